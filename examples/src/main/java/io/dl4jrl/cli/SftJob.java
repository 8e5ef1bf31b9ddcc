package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.task.ReasoningTask;
import io.dl4jrl.text.Tokenizer;
import io.dl4jrl.train.CsvMetricsListener;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.Evaluator;
import io.dl4jrl.train.SftConfig;
import io.dl4jrl.train.SftTrainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** SFT from scratch or from a checkpoint, with metrics CSV, plot, checkpoints and before/after accuracy. */
final class SftJob {
    /** @param policy the trained policy itself (its weights are the final checkpoint's), for a next stage to start from */
    record Outcome(EvalResult before, EvalResult after, Path checkpoint, Path metrics, Path plot, double seconds,
                   io.dl4jrl.policy.CausalLm policy) {
    }

    private SftJob() {
    }

    /** @param atStart sees the fresh policy before its first step (e.g. to sample from it) */
    static Outcome run(ModelOptions model, ReasoningTask task, SftConfig config, Path out, int checkpointEvery, PrintStream console,
                       java.util.function.Consumer<io.dl4jrl.policy.CausalLm> atStart) throws IOException {
        return runWith(model, new PolicySource(), task, config, out, null, checkpointEvery, console, atStart);
    }

    /** @param source {@code --model}: fine-tune that pretrained model (and its tokenizer) instead of a fresh one */
    static Outcome run(ModelOptions model, PolicySource source, ReasoningTask task, SftConfig config, Path out, Path resume,
                       int checkpointEvery, PrintStream console, io.dl4jrl.train.TrainingListener... extra) throws IOException {
        return runWith(model, source, task, config, out, resume, checkpointEvery, console, policy -> { }, extra);
    }

    private static Outcome runWith(ModelOptions model, PolicySource source, ReasoningTask task, SftConfig config, Path out, Path resume,
                                   int checkpointEvery, PrintStream console, java.util.function.Consumer<io.dl4jrl.policy.CausalLm> atStart,
                                   io.dl4jrl.train.TrainingListener... extra) throws IOException {
        long start = System.nanoTime();
        Tokenizer tokenizer = source.tokenizer();
        PromptFormat format = source.promptFormat();
        Checkpoint from = resume == null ? null : CheckpointStore.load(resume);
        io.dl4jrl.policy.CausalLm policy = from != null ? io.dl4jrl.policy.CausalLms.create(from.model())
                : source.hasModel() ? source.loadModel() : new TransformerPolicy(model.config(tokenizer.vocabSize()));
        PolicySource.checkVocabulary(policy, tokenizer);
        Files.createDirectories(out);
        Path metrics = out.resolve("metrics.csv");
        SftTrainer trainer = new SftTrainer(policy, tokenizer, format, config)
                .checkpointEvery(out.resolve("checkpoints"), checkpointEvery);
        if (from != null) {
            trainer.resume(from);
        }
        List<io.dl4jrl.task.Problem> heldOut = task.test();
        Evaluator evaluator = new Evaluator(tokenizer, format);
        EvalResult before = evaluator.evaluate(policy, heldOut, config.maxNewTokens());
        atStart.accept(policy);
        console.printf(Locale.ROOT, "task %s: %d train / %d held-out problems; policy %,d parameters (%s)%n",
                task.name(), task.train().size(), heldOut.size(), Describe.parameterCount(policy), Describe.shape(policy));
        console.printf(Locale.ROOT, "held-out greedy accuracy before SFT: %.1f%% (%d/%d)%n", 100 * before.accuracy(),
                before.correct(), before.problems());
        try (CsvMetricsListener csv = CsvMetricsListener.continuing(metrics, trainer.step());
             ProgressListener progress = new ProgressListener("SFT", config.steps(), trainer.step(), console)) {
            trainer.addListener(csv).addListener(progress);
            java.util.Arrays.stream(extra).forEach(trainer::addListener);
            trainer.train(task.train(), heldOut);
        }
        EvalResult after = evaluator.evaluate(policy, heldOut, config.maxNewTokens());
        Path finalCheckpoint = out.resolve("final.ckpt");
        CheckpointStore.save(finalCheckpoint, trainer.checkpoint());
        Path plot = out.resolve("plot.png");
        MetricsPlot.write(metrics, plot, "SFT on " + task.name());
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(before, after, finalCheckpoint, metrics, plot, seconds, policy);
    }

    static void report(Outcome o, PrintStream console) {
        console.printf(Locale.ROOT, "held-out greedy accuracy after SFT:  %.1f%% (%d/%d)%n", 100 * o.after().accuracy(),
                o.after().correct(), o.after().problems());
        if (o.after().accuracyByLevel().size() > 1) {
            o.after().accuracyByLevel().forEach((level, acc) ->
                    console.printf(Locale.ROOT, "  level %d: %.1f%%%n", level, 100 * acc));
        }
        for (EvalResult.Example e : o.after().examples()) {
            console.printf("  example (%s): %s -> %s%n", e.correct() ? "right" : "wrong", e.question(), e.response().replace("\n", " | "));
        }
        console.printf(Locale.ROOT, "wrote %s, %s, %s (%.0f s)%n", o.metrics(), o.plot(), o.checkpoint(), o.seconds());
    }
}
