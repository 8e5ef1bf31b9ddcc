package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.task.ReasoningTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The main job on embedded defaults: a small policy SFT-trained on the easiest built-in arithmetic level,
 * then RL-trained (GRPO) from that SFT checkpoint, with held-out accuracy before SFT, after SFT and after RL.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Main job: build a small policy, SFT it on the built-in task, then GRPO; print held-out accuracy at each stage.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    TaskOptions task = new TaskOptions();
    @Mixin
    SftOptions sft = SftOptions.withSteps(500);
    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "main");
    @Option(names = "--overwrite", description = "replace the earlier run in --out (its metrics, plot and checkpoints) instead of refusing")
    boolean overwrite;
    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = 100;
    @Option(names = "--algo", description = "RL stage after SFT: grpo, ppo, rloo or reinforce++ (default: ${DEFAULT-VALUE})")
    String algorithm = "grpo";
    @Option(names = "--rl-iterations", description = "RL iterations after SFT, 0 = SFT only (default: ${DEFAULT-VALUE})")
    int rlIterations = 20;
    @Option(names = "--rl-lr", description = "RL learning rate (default: ${DEFAULT-VALUE})")
    double rlLearningRate = 1e-5;
    @Option(names = "--sft-solutions", description = "worked solutions SFT learns from: the first N training problems, 0 = all; "
            + "RL still draws its prompts from every training problem, whose answers the checker knows (default: ${DEFAULT-VALUE})")
    int sftSolutions = 0;

    @Override
    public Integer call() throws Exception {
        PrintStream console = System.out;
        RunFolder.claim(out.resolve("sft"), false, overwrite);
        if (rlIterations > 0) {
            RunFolder.claim(out.resolve(algorithm), false, overwrite);
        }
        ReasoningTask reasoningTask = task.load();
        if (sftSolutions < 0 || sftSolutions > reasoningTask.train().size()) {
            throw new IllegalArgumentException("--sft-solutions must be in [0, " + reasoningTask.train().size() + "] (the training problems), got "
                    + sftSolutions);
        }
        ReasoningTask sftTask = sftSolutions == 0 ? reasoningTask : new ReasoningTask() {
            public String name() {
                return reasoningTask.name();
            }

            public java.util.List<io.dl4jrl.task.Problem> train() {
                return reasoningTask.train().subList(0, sftSolutions);
            }

            public java.util.List<io.dl4jrl.task.Problem> test() {
                return reasoningTask.test();
            }
        };
        SftJob.Outcome sftOutcome = SftJob.run(model, sftTask, sft.config(), out.resolve("sft"), null, checkpointEvery, console);
        SftJob.report(sftOutcome, console);
        if (rlIterations == 0) {
            return 0;
        }
        var checkpoint = CheckpointStore.load(sftOutcome.checkpoint());
        io.dl4jrl.policy.CausalLm policy = CheckpointStore.loadModel(checkpoint);
        RlConfig config = RlConfig.preset(algorithm).iterations(rlIterations).learningRate(rlLearningRate).evalEvery(10).build();
        RlJob.Outcome rl = RlJob.run(policy, reasoningTask, new CorrectnessReward(), config, out.resolve(algorithm), 10, null, console);
        RlJob.report(algorithm, rl, console);
        console.printf(Locale.ROOT, "held-out greedy accuracy: %.1f%% before SFT -> %.1f%% after SFT -> %.1f%% after %s (%.0f s in all)%n",
                100 * sftOutcome.before().accuracy(), 100 * sftOutcome.after().accuracy(), 100 * rl.after().accuracy(), algorithm,
                sftOutcome.seconds() + rl.seconds());
        return 0;
    }
}
