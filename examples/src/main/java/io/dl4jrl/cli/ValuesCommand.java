package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.ValueHead;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.rl.ValueDiagnostics;
import io.dl4jrl.rl.ValueHeadCritic;
import io.dl4jrl.rl.VineConfig;
import io.dl4jrl.task.ReasoningTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** VinePPO's value-prediction diagnostics for one checkpoint, with its value head when it has one (PPO). */
@Command(name = "values", mixinStandardHelpOptions = true,
        description = "How well do Monte-Carlo values at K, and a checkpoint's value head, predict the true values of held-out states?")
final class ValuesCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "checkpoint file (.ckpt); a PPO one brings its value head")
    Path checkpoint;
    @picocli.CommandLine.Mixin
    PolicySource modelSource = new PolicySource();
    @Mixin
    TaskOptions task = new TaskOptions();
    @Mixin
    VineOptions vine = new VineOptions();
    @Option(names = "--max-new-tokens", description = "response budget (default: ${DEFAULT-VALUE})")
    int maxNewTokens = 32;
    @Option(names = "--temperature", description = "the policy's sampling temperature; the values are under it (default: ${DEFAULT-VALUE})")
    double temperature = 1.0;
    @Option(names = "--seed", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Override
    public Integer call() throws Exception {
        if (modelSource.hasModel()) {
            throw new IllegalArgumentException("values reads a --checkpoint (a PPO one brings its value head); --model is not used here");
        }
        Checkpoint c = CheckpointStore.load(checkpoint);
        io.dl4jrl.policy.CausalLm policy = io.dl4jrl.policy.CausalLms.create(c.model());
        boolean hasHead = c.weights().containsKey(ValueHead.WEIGHT);
        if (hasHead) {
            ValueHead.attach(policy.graph(), policy.hiddenWidth());
        }
        CheckpointStore.restoreWeights(policy.graph().sameDiff(), c);
        io.dl4jrl.text.Tokenizer tokenizer = modelSource.tokenizer();
        ReasoningTask t = task.load();
        VineConfig config = vine.config(task).resolve(temperature, 1.0);
        long start = System.nanoTime();
        ValueDiagnostics.Report r = new ValueDiagnostics(policy, tokenizer, modelSource.promptFormat(), new CorrectnessReward(), config,
                maxNewTokens).measure(t.test(), hasHead ? new ValueHeadCritic(policy.graph(), tokenizer.padId(), 32) : null, seed);
        System.out.printf(Locale.ROOT, "%s on %s: %d held-out states from %d problems (mean true value %.3f), %d decided pairs of "
                        + "alternative next steps, %d pairs of states with different true values; ground truth from %d completions per state%n",
                checkpoint, t.name(), r.states(), Math.min(config.diagnosticsProblems(), t.test().size()), r.meanValue(), r.pairs(),
                r.rankedPairs(), config.groundTruthRollouts());
        System.out.printf(Locale.ROOT, "  Monte-Carlo, K=%-3d  MAE %.3f  top-1 %.1f%%  ranking %.1f%%%n", config.rollouts(), r.maeMonteCarlo(),
                100 * r.top1MonteCarlo(), 100 * r.rankMonteCarlo());
        if (hasHead) {
            System.out.printf(Locale.ROOT, "  value head         MAE %.3f  top-1 %.1f%%  ranking %.1f%%%n", r.maeCritic(), 100 * r.top1Critic(),
                    100 * r.rankCritic());
        } else {
            System.out.println("  (no value head in this checkpoint: train one with --algo ppo to compare)");
        }
        System.out.printf(Locale.ROOT, "  %.1f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
