package io.dl4jrl.cli;

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
 * The main job on embedded defaults: a small policy SFT-trained on the easiest built-in arithmetic level for two
 * thirds of its schedule, then RL-trained (VinePPO) from that SFT checkpoint, with held-out greedy accuracy and
 * sampled pass@1 / pass@k before SFT, after SFT and after RL.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Main job: build a small policy, SFT it on the built-in task, then VinePPO; print held-out accuracy and pass@k at each stage.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    TaskOptions task = new TaskOptions();
    @Mixin
    SftOptions sft = SftOptions.withSteps(400);
    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "main");
    @Option(names = "--overwrite", description = "replace the earlier run in --out (its metrics, plot and checkpoints) instead of refusing")
    boolean overwrite;
    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = 100;
    @Option(names = "--algo", description = "RL stage after SFT: vineppo, ppo, grpo, rloo, reinforce++, opo, dapo, gspo or cispo, "
            + "each with its preset (default: ${DEFAULT-VALUE}, which gained most from this start over three seeds)")
    String algorithm = "vineppo";
    @Option(names = "--rl-prompts", description = "RL prompts per iteration (default: ${DEFAULT-VALUE})")
    int rlPrompts = 32;
    @Option(names = "--rl-iterations", description = "RL iterations after SFT, 0 = SFT only (default: ${DEFAULT-VALUE})")
    int rlIterations = 20;
    @Option(names = "--rl-lr", description = "RL learning rate (default: ${DEFAULT-VALUE})")
    double rlLearningRate = 1e-4;
    @Option(names = "--sft-solutions", description = "worked solutions SFT learns from: the first N training problems, 0 = all; "
            + "RL still draws its prompts from every training problem, whose answers the checker knows (default: ${DEFAULT-VALUE})")
    int sftSolutions = 0;
    @Mixin
    PassAtKOptions passAtK = new PassAtKOptions();

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
        passAtK.validate(reasoningTask.test().size());
        io.dl4jrl.text.Tokenizer tokenizer = new io.dl4jrl.text.CharTokenizer();
        io.dl4jrl.task.PromptFormat format = io.dl4jrl.task.PromptFormat.DEFAULT;
        int maxNewTokens = sft.config().maxNewTokens();
        // Unless --schedule-steps says otherwise, SFT stops at two thirds of its schedule, the learning rate still at a third
        // of its peak: an under-trained start whose samples are right far more often than its greedy answers (pass@k
        // above pass@1, docs/results.md, "Main job"), the room RL has.
        io.dl4jrl.train.SftConfig sftConfig = sft.config();
        if (sftConfig.scheduleSteps() == 0) {
            sftConfig = sftConfig.toBuilder().scheduleSteps(sftConfig.steps() * 3 / 2).build();
        }
        PassAtKOptions.Sampled[] beforeSampled = new PassAtKOptions.Sampled[1];
        SftJob.Outcome sftOutcome = SftJob.run(model, sftTask, sftConfig, out.resolve("sft"), checkpointEvery, console,
                fresh -> beforeSampled[0] = passAtK.measure(fresh, tokenizer, format, reasoningTask.test(), maxNewTokens, 0));
        SftJob.report(sftOutcome, console);
        io.dl4jrl.policy.CausalLm policy = sftOutcome.policy();
        PassAtKOptions.Sampled sftSampled = passAtK.measure(policy, tokenizer, format, reasoningTask.test(), maxNewTokens, 0);
        if (rlIterations == 0) {
            summary(console, sftOutcome, beforeSampled[0], sftSampled, null, null);
            return 0;
        }
        RlConfig config = RlConfig.preset(algorithm).iterations(rlIterations).learningRate(rlLearningRate).promptsPerIteration(rlPrompts).evalEvery(10)
                .vine(new VineOptions().config(task)).build();
        RlJob.Outcome rl = RlJob.run(policy, reasoningTask, new CorrectnessReward(), config, out.resolve(algorithm), 10, null, console);
        RlJob.report(algorithm, rl, console);
        PassAtKOptions.Sampled rlSampled = passAtK.measure(rl.policy(), tokenizer, format, reasoningTask.test(), maxNewTokens, 0);
        summary(console, sftOutcome, beforeSampled[0], sftSampled, rl, rlSampled);
        console.printf(Locale.ROOT, "held-out greedy accuracy: %.1f%% before SFT -> %.1f%% after SFT -> %.1f%% after %s, %+.1f points from RL "
                        + "(%.0f s in all)%n", 100 * sftOutcome.before().accuracy(), 100 * sftOutcome.after().accuracy(), 100 * rl.after().accuracy(),
                algorithm, 100 * (rl.after().accuracy() - sftOutcome.after().accuracy()), sftOutcome.seconds() + rl.seconds());
        return 0;
    }

    private void summary(PrintStream console, SftJob.Outcome sftOutcome, PassAtKOptions.Sampled before, PassAtKOptions.Sampled afterSft,
                         RlJob.Outcome rl, PassAtKOptions.Sampled afterRl) {
        int heldOut = sftOutcome.after().problems();
        console.printf(Locale.ROOT, "stage         greedy accuracy (%d held-out problems)%s%n", heldOut, passAtK.header());
        console.printf(Locale.ROOT, "before SFT    %5.1f%%%s%n", 100 * sftOutcome.before().accuracy(), passAtK.describe(before));
        console.printf(Locale.ROOT, "after SFT     %5.1f%%%s%n", 100 * sftOutcome.after().accuracy(), passAtK.describe(afterSft));
        if (rl != null) {
            console.printf(Locale.ROOT, "after %-8s%5.1f%%%s%n", algorithm, 100 * rl.after().accuracy(), passAtK.describe(afterRl));
        }
    }
}
