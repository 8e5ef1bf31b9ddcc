package io.dl4jrl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rl-llm} command line. */
@Command(name = "rl-llm", mixinStandardHelpOptions = true, version = "dl4j-rl-llm 0.1.0",
        description = "RL fine-tuning of language models for reasoning, on Deeplearning4j / SameDiff.",
        subcommands = {RunCommand.class, SftCommand.class, TrainCommand.class, RewardModelCommand.class, DpoCommand.class, PreferencesCommand.class,
                JudgeCommand.class, EvalCommand.class, BenchCommand.class, CompareCommand.class, ValuesCommand.class, SweepCommand.class, ExportCommand.class,
                ExampleCommand.class, NotebookCommand.class, InstallKernelCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        int code;
        try {
            code = execute(args);
        } catch (OutOfMemoryError e) {
            // Past the trainers' own estimates (io.dl4jrl.train.MemoryBudget): say what ran out and what to change, not a stack trace.
            System.err.println("error: out of memory (" + e.getMessage() + "; Java heap limit " + io.dl4jrl.train.MemoryBudget.bytes(Runtime.getRuntime().maxMemory())
                    + ", machine " + io.dl4jrl.train.MemoryBudget.bytes(io.dl4jrl.train.MemoryBudget.physicalBytes()) + "): lower --batch-size, --prompts or "
                    + "--group-size, set --micro-batch / --sft-micro-batch, or raise the heap with RL_LLM_JAVA_OPTS=-Xmx...");
            code = 1;
        }
        System.exit(code);
    }

    private static int execute(String[] args) {
        return commandLine().execute(args);
    }

    /** The command line as {@code main} runs it: an error in a command prints one line naming the option, file or field. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + ConfigErrors.message(e, cmd));
                    if (System.getenv("RL_LLM_DEBUG") != null) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
    }
}
