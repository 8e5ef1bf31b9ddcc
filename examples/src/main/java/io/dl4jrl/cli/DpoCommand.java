package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.pref.DpoLoss;
import io.dl4jrl.pref.DpoConfig;
import io.dl4jrl.pref.DpoTrainer;
import io.dl4jrl.pref.TokenizedPair;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.task.ReasoningTask;
import io.dl4jrl.train.CsvMetricsListener;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** DPO and its variants on preference pairs, from a policy checkpoint; evaluated on the task's true accuracy. */
@Command(name = "dpo", mixinStandardHelpOptions = true,
        description = "Preference optimisation (dpo, hinge, cdpo, robust, ipo, simpo, orpo on pairs; kto on unpaired examples), starting from a checkpoint.")
final class DpoCommand implements Callable<Integer> {
    @Option(names = "--init", description = "policy checkpoint to start from (also the reference), usually the SFT one")
    Path init;
    @picocli.CommandLine.Mixin
    PolicySource modelSource = new PolicySource();
    @Option(names = "--resume", description = "continue an interrupted DPO run from one of its checkpoints (same pairs and settings)")
    Path resume;
    @Mixin
    TaskOptions task = new TaskOptions();
    @Mixin
    PreferenceOptions preferences = new PreferenceOptions();
    @Option(names = "--loss", description = "dpo, hinge, cdpo (label smoothing), robust, ipo, simpo, orpo (no reference; its SFT term "
            + "built in) or kto (unpaired desirable/undesirable examples: --unpaired, or each pair split in two) (default: ${DEFAULT-VALUE})")
    String loss = "dpo";
    @Option(names = "--beta", description = "beta (ORPO: the odds-ratio weight lambda) (default: 0.1; SimPO's paper uses 2.0)")
    Double beta;
    @Option(names = "--label-smoothing", description = "epsilon of cdpo and robust (default: ${DEFAULT-VALUE})")
    double labelSmoothing = 0.1;
    @Option(names = "--simpo-gamma", description = "SimPO target margin gamma (default: ${DEFAULT-VALUE})")
    double simpoGamma = 0.5;
    @Option(names = "--nll", description = "weight of the chosen responses' NLL added to the loss, RPO (Pang et al., 2024) uses 1 (default: ${DEFAULT-VALUE})")
    double nll = 0;
    @Option(names = "--unpaired", description = "KTO: training examples, JSONL {prompt, completion, label: true|false[, id, answer]} "
            + "(default: the training pairs, each as a desirable and an undesirable example)")
    Path unpaired;
    @Option(names = "--held-out-unpaired", description = "KTO: held-out examples, JSONL as --unpaired (default: the held-out pairs, split)")
    Path heldOutUnpaired;
    @Option(names = "--desirable-weight", description = "KTO: lambda_D (default: ${DEFAULT-VALUE})")
    double desirableWeight = 1.0;
    @Option(names = "--undesirable-weight", description = "KTO: lambda_U (default: ${DEFAULT-VALUE})")
    double undesirableWeight = 1.0;
    @Option(names = "--steps", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    int steps = 200;
    @Option(names = "--batch-pairs", description = "preference pairs per step; KTO: twice as many unpaired examples (default: ${DEFAULT-VALUE})")
    int batchPairs = 16;
    @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double learningRate = 5e-5;
    @Option(names = "--warmup", description = "warm-up steps (default: ${DEFAULT-VALUE})")
    int warmupSteps = 10;
    @Option(names = "--eval-every", description = "steps between evaluations (default: ${DEFAULT-VALUE})")
    int evalEvery = 50;
    @Option(names = "--eval-problems", description = "held-out problems in periodic evaluations (default: ${DEFAULT-VALUE})")
    int evalProblems = 500;
    @Option(names = "--max-new-tokens", description = "response budget when evaluating (default: ${DEFAULT-VALUE})")
    int maxNewTokens = 48;
    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = 100;
    @Option(names = "--seed", description = "data-order seed (default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--out", description = "output folder (default: runs/<loss>)")
    Path out;
    @Option(names = "--overwrite", description = "replace the earlier run in --out (its metrics, plot and checkpoints) instead of refusing")
    boolean overwrite;

    static DpoLoss loss(String name, Double beta, double labelSmoothing, double simpoGamma) {
        DpoLoss.Variant v = switch (name) {
            case "dpo", "sigmoid" -> DpoLoss.Variant.SIGMOID;
            case "hinge" -> DpoLoss.Variant.HINGE;
            case "cdpo", "conservative" -> DpoLoss.Variant.CONSERVATIVE;
            case "robust" -> DpoLoss.Variant.ROBUST;
            case "ipo" -> DpoLoss.Variant.IPO;
            case "simpo" -> DpoLoss.Variant.SIMPO;
            case "orpo" -> DpoLoss.Variant.ORPO;
            default -> throw new IllegalArgumentException("--loss must be dpo, hinge, cdpo, robust, ipo, simpo, orpo or kto, got '" + name + "'");
        };
        boolean smoothed = v == DpoLoss.Variant.CONSERVATIVE || v == DpoLoss.Variant.ROBUST;
        return new DpoLoss(v, beta != null ? beta : v == DpoLoss.Variant.SIMPO ? 2.0 : 0.1, smoothed ? labelSmoothing : 0,
                v == DpoLoss.Variant.SIMPO ? simpoGamma : 0);
    }

    @Override
    public Integer call() throws Exception {
        if ((init != null ? 1 : 0) + (resume != null ? 1 : 0) + (modelSource.hasModel() ? 1 : 0) != 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give exactly one of --init, --resume and --model");
        }
        if (loss.equals("kto")) {
            return kto();
        }
        if (unpaired != null || heldOutUnpaired != null) {
            throw new IllegalArgumentException("--unpaired and --held-out-unpaired are KTO's data; give --loss kto, or --pairs for " + loss);
        }
        long t0 = System.nanoTime();
        io.dl4jrl.text.Tokenizer tokenizer = modelSource.tokenizer();
        PromptFormat format = modelSource.promptFormat();
        DpoConfig config = DpoConfig.builder().loss(loss(loss, beta, labelSmoothing, simpoGamma)).chosenNllWeight(nll).steps(steps).pairsPerBatch(batchPairs)
                .learningRate(learningRate).warmupSteps(warmupSteps).evalEvery(evalEvery).evalProblems(evalProblems)
                .maxNewTokens(maxNewTokens).seed(seed).build();
        Path dir = out != null ? out : Path.of("runs", loss);
        RunFolder.claim(dir, resume != null, overwrite);
        Checkpoint from = resume != null ? CheckpointStore.load(resume) : null;
        io.dl4jrl.policy.CausalLm start = from != null ? CheckpointStore.loadModel(from) : modelSource.load(init, "--init");
        PolicySource.checkVocabulary(start, tokenizer);
        DpoTrainer trainer = new DpoTrainer(start, tokenizer, format, config).checkpointEvery(dir.resolve("checkpoints"),
                checkpointEvery);
        if (resume != null) {
            trainer.resume(from);
        }
        ReasoningTask t = task.load();
        int context = start.contextLength();
        List<TokenizedPair> train = TokenizedPair.fitting(preferences.train(t), tokenizer, context);
        List<TokenizedPair> heldOut = TokenizedPair.fitting(preferences.heldOut(t), tokenizer, context);
        Evaluator evaluator = new Evaluator(tokenizer, format);
        EvalResult before = evaluator.evaluate(trainer.policy(), t.test(), maxNewTokens);
        System.out.printf(Locale.ROOT, "%s: %d train / %d held-out pairs, %d steps of %d pairs; held-out greedy accuracy before: %.1f%% (%d/%d)%n",
                loss, train.size(), heldOut.size(), steps, batchPairs, 100 * before.accuracy(), before.correct(), before.problems());
        Files.createDirectories(dir);
        Path metrics = dir.resolve("metrics.csv");
        try (CsvMetricsListener csv = CsvMetricsListener.continuing(metrics, trainer.step());
             ProgressListener progress = new ProgressListener(loss, steps, trainer.step(), System.out)) {
            trainer.addListener(csv).addListener(progress).train(train, heldOut, t.test());
        }
        finish(dir, loss, t, evaluator, before, trainer.lastEvaluation(), trainer.policy(), trainer.checkpoint(),
                "held-out preference accuracy", trainer.lastPreferenceAccuracy(), t0);
        return 0;
    }

    /** KTO on unpaired examples (docs/preference.md, "KTO"), with the same start, task, evaluation and run folder as the others. */
    private Integer kto() throws Exception {
        long t0 = System.nanoTime();
        io.dl4jrl.text.Tokenizer tokenizer = modelSource.tokenizer();
        PromptFormat format = modelSource.promptFormat();
        io.dl4jrl.pref.KtoConfig config = io.dl4jrl.pref.KtoConfig.builder()
                .loss(new io.dl4jrl.graphs.pref.KtoLoss(beta != null ? beta : 0.1, desirableWeight, undesirableWeight))
                .steps(steps).examplesPerBatch(2 * batchPairs).learningRate(learningRate).warmupSteps(warmupSteps).evalEvery(evalEvery)
                .evalProblems(evalProblems).maxNewTokens(maxNewTokens).seed(seed).build();
        Path dir = out != null ? out : Path.of("runs", "kto");
        RunFolder.claim(dir, resume != null, overwrite);
        Checkpoint from = resume != null ? CheckpointStore.load(resume) : null;
        io.dl4jrl.policy.CausalLm start = from != null ? CheckpointStore.loadModel(from) : modelSource.load(init, "--init");
        PolicySource.checkVocabulary(start, tokenizer);
        io.dl4jrl.pref.KtoTrainer trainer = new io.dl4jrl.pref.KtoTrainer(start, tokenizer, format, config)
                .checkpointEvery(dir.resolve("checkpoints"), checkpointEvery);
        if (resume != null) {
            trainer.resume(from);
        }
        ReasoningTask t = task.load();
        int context = start.contextLength();
        List<io.dl4jrl.pref.UnpairedExample> trainExamples = unpaired != null ? io.dl4jrl.pref.UnpairedJsonl.load(unpaired)
                : io.dl4jrl.pref.UnpairedExample.fromPairs(preferences.train(t));
        List<io.dl4jrl.pref.UnpairedExample> heldOutExamples = heldOutUnpaired != null ? io.dl4jrl.pref.UnpairedJsonl.load(heldOutUnpaired)
                : io.dl4jrl.pref.UnpairedExample.fromPairs(preferences.heldOut(t));
        var train = io.dl4jrl.pref.UnpairedExample.fitting(trainExamples, tokenizer, context);
        var heldOut = io.dl4jrl.pref.UnpairedExample.fitting(heldOutExamples, tokenizer, context);
        Evaluator evaluator = new Evaluator(tokenizer, format);
        EvalResult before = evaluator.evaluate(trainer.policy(), t.test(), maxNewTokens);
        long desirable = train.stream().filter(e -> e.example().desirable()).count();
        System.out.printf(Locale.ROOT, "kto: %d train examples (%d desirable, %d undesirable) / %d held-out, %d steps of %d; held-out greedy "
                        + "accuracy before: %.1f%% (%d/%d)%n", train.size(), desirable, train.size() - desirable, heldOut.size(), steps,
                config.examplesPerBatch(), 100 * before.accuracy(), before.correct(), before.problems());
        Files.createDirectories(dir);
        Path metrics = dir.resolve("metrics.csv");
        try (CsvMetricsListener csv = CsvMetricsListener.continuing(metrics, trainer.step());
             ProgressListener progress = new ProgressListener("kto", steps, trainer.step(), System.out)) {
            trainer.addListener(csv).addListener(progress).train(train, heldOut, t.test());
        }
        finish(dir, "kto", t, evaluator, before, trainer.lastEvaluation(), trainer.policy(), trainer.checkpoint(),
                "held-out label accuracy", trainer.lastLabelAccuracy(), t0);
        return 0;
    }

    /**
     * The end every preference loss shares: accuracy on the whole held-out set (the trainer's last evaluation when it
     * covered it), the final checkpoint, the plot and the report.
     */
    private void finish(Path dir, String name, ReasoningTask t, Evaluator evaluator, EvalResult before, EvalResult last,
                        io.dl4jrl.policy.CausalLm policy, Checkpoint checkpoint, String ownMetric, double ownValue, long t0) throws java.io.IOException {
        EvalResult after = last != null && last.problems() == t.test().size() ? last : evaluator.evaluate(policy, t.test(), maxNewTokens);
        Path finalCheckpoint = dir.resolve("final.ckpt");
        CheckpointStore.save(finalCheckpoint, checkpoint);
        Path metrics = dir.resolve("metrics.csv");
        Path plot = dir.resolve("plot.png");
        MetricsPlot.write(metrics, plot, name + " on " + t.name());
        System.out.printf(Locale.ROOT, "held-out greedy accuracy after %s: %.1f%% (%d/%d), %+.1f points; %s %.1f%%%n", name,
                100 * after.accuracy(), after.correct(), after.problems(), 100 * (after.accuracy() - before.accuracy()), ownMetric, 100 * ownValue);
        System.out.printf(Locale.ROOT, "wrote %s, %s, %s (%.0f s)%n", metrics, plot, finalCheckpoint, (System.nanoTime() - t0) / 1e9);
    }
}
