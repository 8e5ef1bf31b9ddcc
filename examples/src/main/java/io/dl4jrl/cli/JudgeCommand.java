package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.pref.PromptedJudge;
import io.dl4jrl.pref.VerdictData;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.task.ReasoningTask;
import io.dl4jrl.train.CsvMetricsListener;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.SftConfig;
import io.dl4jrl.train.SftTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Makes a judge for RLAIF: fine-tunes a policy checkpoint to answer Y/N verdicts on reference vs corrupted solutions. */
@Command(name = "judge", mixinStandardHelpOptions = true,
        description = "Fine-tune a policy checkpoint into a prompted judge (verdict Y/N after '<prompt><response>\\nVerdict: '), "
                + "for RLAIF labelling (preferences --label-with judge:...) or as the reward (train --judge ...).")
final class JudgeCommand implements Callable<Integer> {
    @Option(names = "--init", description = "policy checkpoint to start from (or --model)")
    Path init;
    @picocli.CommandLine.Mixin
    PolicySource modelSource = new PolicySource();
    @Mixin
    TaskOptions task = new TaskOptions();
    @Option(names = "--steps", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    int steps = 300;
    @Option(names = "--batch-size", description = "verdicts per step (default: ${DEFAULT-VALUE})")
    int batchSize = 32;
    @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double learningRate = 3e-4;
    @Option(names = "--seed", description = "data seed (default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "judge");
    @Option(names = "--overwrite", description = "replace the earlier run in --out (its metrics, plot and checkpoints) instead of refusing")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        io.dl4jrl.text.Tokenizer tokenizer = modelSource.tokenizer();
        PromptFormat format = modelSource.promptFormat();
        io.dl4jrl.policy.CausalLm judgeModel = modelSource.load(init, "--init");
        PolicySource.checkVocabulary(judgeModel, tokenizer);
        PromptedJudge judge = new PromptedJudge(judgeModel, tokenizer);
        ReasoningTask t = task.load();
        List<Problem> train = VerdictData.problems(t.train(), format, judge, "Y", "N", seed);
        List<Problem> heldOut = VerdictData.problems(t.test(), format, judge, "Y", "N", seed + 1);
        SftConfig config = SftConfig.builder().steps(steps).batchSize(batchSize).learningRate(learningRate).warmupSteps(Math.min(20, steps - 1))
                .evalEvery(Math.max(1, steps / 4)).evalProblems(Math.min(500, heldOut.size())).maxNewTokens(2).seed(seed).build();
        SftTrainer trainer = new SftTrainer(judgeModel, tokenizer, VerdictData.FORMAT, config, VerdictData.verdictMatch())
                .checkpointEvery(out.resolve("checkpoints"), steps);
        RunFolder.claim(out, false, overwrite);
        Files.createDirectories(out);
        Path metrics = out.resolve("metrics.csv");
        Files.deleteIfExists(metrics);
        EvalResult after;
        try (CsvMetricsListener csv = new CsvMetricsListener(metrics);
             ProgressListener progress = new ProgressListener("judge", steps, 0, System.out)) {
            after = trainer.addListener(csv).addListener(progress).train(train, heldOut);
        }
        Path finalCheckpoint = out.resolve("final.ckpt");
        CheckpointStore.save(finalCheckpoint, trainer.checkpoint());
        Path plot = out.resolve("plot.png");
        MetricsPlot.write(metrics, plot, "judge verdicts on " + t.name());
        System.out.printf(Locale.ROOT, "held-out verdict accuracy: %.1f%% (%d/%d)%n", 100 * after.accuracy(), after.correct(), after.problems());
        System.out.printf(Locale.ROOT, "wrote %s, %s, %s (%.0f s)%n", metrics, plot, finalCheckpoint, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
