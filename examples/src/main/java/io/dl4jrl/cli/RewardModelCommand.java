package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.pref.RewardModel;
import io.dl4jrl.pref.RewardModelConfig;
import io.dl4jrl.pref.RewardModelTrainer;
import io.dl4jrl.pref.TokenizedPair;
import io.dl4jrl.task.ReasoningTask;
import io.dl4jrl.train.CsvMetricsListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Trains a Bradley-Terry reward model on preference pairs, starting from a policy checkpoint. */
@Command(name = "reward-model", mixinStandardHelpOptions = true,
        description = "Train a Bradley-Terry reward model (policy trunk + sequence reward head) on preference pairs; reports held-out pairwise accuracy.")
final class RewardModelCommand implements Callable<Integer> {
    @Option(names = "--init", description = "policy checkpoint whose trunk the reward model starts from (usually the SFT one)")
    Path init;
    @picocli.CommandLine.Mixin
    PolicySource modelSource = new PolicySource();
    @Option(names = "--resume", description = "continue an interrupted reward-model run from one of its checkpoints")
    Path resume;
    @Mixin
    TaskOptions task = new TaskOptions();
    @Mixin
    PreferenceOptions preferences = new PreferenceOptions();
    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "reward-model");
    @Option(names = "--overwrite", description = "replace the earlier run in --out (its metrics, plot and checkpoints) instead of refusing")
    boolean overwrite;
    @Option(names = "--steps", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    int steps = 300;
    @Option(names = "--batch-pairs", description = "preference pairs per step (default: ${DEFAULT-VALUE})")
    int batchPairs = 16;
    @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double learningRate = 1e-4;
    @Option(names = "--warmup", description = "warm-up steps (default: ${DEFAULT-VALUE})")
    int warmupSteps = 20;
    @Option(names = "--margin", description = "Bradley-Terry margin (default: ${DEFAULT-VALUE})")
    double margin = 0;
    @Option(names = "--centering", description = "reward-centring weight (default: ${DEFAULT-VALUE})")
    double centering = 0.01;
    @Option(names = "--eval-every", description = "steps between held-out evaluations (default: ${DEFAULT-VALUE})")
    int evalEvery = 50;
    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = 100;
    @Option(names = "--seed", description = "data-order seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Override
    public Integer call() throws Exception {
        if ((init != null ? 1 : 0) + (resume != null ? 1 : 0) + (modelSource.hasModel() ? 1 : 0) != 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give exactly one of --init, --resume and --model");
        }
        long t0 = System.nanoTime();
        io.dl4jrl.text.Tokenizer tokenizer = modelSource.tokenizer();
        RewardModelConfig config = RewardModelConfig.builder().steps(steps).pairsPerBatch(batchPairs).learningRate(learningRate)
                .warmupSteps(warmupSteps).margin(margin).centeringWeight(centering).evalEvery(evalEvery).seed(seed).build();
        Checkpoint from = modelSource.hasModel() ? null : CheckpointStore.load(resume != null ? resume : init);
        RewardModel model = modelSource.hasModel() ? new RewardModel(modelSource.loadModel(), tokenizer.padId())
                : resume != null ? new RewardModel(io.dl4jrl.policy.CausalLms.create(from.model()), tokenizer.padId())
                : RewardModel.fromPolicy(from, tokenizer.padId());
        RewardModelTrainer trainer = new RewardModelTrainer(model, config).checkpointEvery(out.resolve("checkpoints"), checkpointEvery);
        if (resume != null) {
            trainer.resume(from);
        }
        ReasoningTask t = task.load();
        int context = model.trunk().contextLength();
        List<TokenizedPair> train = TokenizedPair.fitting(preferences.train(t), tokenizer, context);
        List<TokenizedPair> heldOut = TokenizedPair.fitting(preferences.heldOut(t), tokenizer, context);
        RewardModel.PairwiseEvaluation before = model.evaluate(heldOut);
        System.out.printf(Locale.ROOT, "reward model: %d train / %d held-out pairs; held-out pairwise accuracy before: %.1f%%%n",
                train.size(), heldOut.size(), 100 * before.accuracy());
        RunFolder.claim(out, resume != null, overwrite);
        Files.createDirectories(out);
        Path metrics = out.resolve("metrics.csv");
        RewardModel.PairwiseEvaluation after;
        try (CsvMetricsListener csv = CsvMetricsListener.continuing(metrics, trainer.step());
             ProgressListener progress = new ProgressListener("reward model", steps, trainer.step(), System.out)) {
            after = trainer.addListener(csv).addListener(progress).train(train, heldOut);
        }
        Path finalCheckpoint = out.resolve("final.ckpt");
        CheckpointStore.save(finalCheckpoint, trainer.checkpoint());
        Path plot = out.resolve("plot.png");
        MetricsPlot.write(metrics, plot, "Bradley-Terry reward model on " + t.name());
        System.out.printf(Locale.ROOT, "held-out pairwise accuracy after: %.1f%% (%d pairs), mean reward gap %.3f; normalisation mean %.3f std %.3f%n",
                100 * after.accuracy(), after.pairs(), after.meanGap(), model.mean(), model.std());
        System.out.printf(Locale.ROOT, "wrote %s, %s, %s (%.0f s)%n", metrics, plot, finalCheckpoint, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
