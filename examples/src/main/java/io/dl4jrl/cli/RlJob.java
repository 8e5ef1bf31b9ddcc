package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.task.ReasoningTask;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.text.Tokenizer;
import io.dl4jrl.train.CsvMetricsListener;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.Evaluator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** RL fine-tuning of a policy with metrics CSV, plot, checkpoints and held-out accuracy before and after. */
final class RlJob {
    /** @param policy the trained policy itself (its weights are the final checkpoint's) */
    record Outcome(EvalResult before, EvalResult after, Path checkpoint, Path metrics, Path plot, double seconds,
                   io.dl4jrl.policy.CausalLm policy) {
    }

    private RlJob() {
    }

    /**
     * @param resume an RL checkpoint of this run to continue from ({@code start} must then hold its reference
     *               weights), or {@code null} for a fresh run
     */
    static Outcome run(io.dl4jrl.policy.CausalLm start, ReasoningTask task, RewardFunction reward, RlConfig config, Path out, int checkpointEvery,
                       io.dl4jrl.checkpoint.Checkpoint resume, PrintStream console) throws IOException {
        return run(start, new CharTokenizer(), PromptFormat.DEFAULT, task, reward, config, out, checkpointEvery, resume, console);
    }

    static Outcome run(io.dl4jrl.policy.CausalLm start, Tokenizer tokenizer, PromptFormat format, ReasoningTask task, RewardFunction reward,
                       RlConfig config, Path out, int checkpointEvery, io.dl4jrl.checkpoint.Checkpoint resume, PrintStream console,
                       io.dl4jrl.train.TrainingListener... extra) throws IOException {
        return run(start, tokenizer, format, task, reward, config, out, checkpointEvery, resume, console, trainer -> { }, extra);
    }

    /** Where the trainer's work runs is up to {@code setup} (e.g. {@code --spark}), applied before training starts. */
    interface Setup {
        void apply(RlTrainer trainer) throws IOException;
    }

    static Outcome run(io.dl4jrl.policy.CausalLm start, Tokenizer tokenizer, PromptFormat format, ReasoningTask task, RewardFunction reward,
                       RlConfig config, Path out, int checkpointEvery, io.dl4jrl.checkpoint.Checkpoint resume, PrintStream console,
                       Setup setup, io.dl4jrl.train.TrainingListener... extra) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(out);
        Path metrics = out.resolve("metrics.csv");
        RlTrainer trainer = new RlTrainer(start, tokenizer, format, reward, config)
                .checkpointEvery(out.resolve("checkpoints"), checkpointEvery);
        setup.apply(trainer);
        if (resume != null) {
            trainer.resume(resume);
            console.printf(Locale.ROOT, "resumed %s at iteration %d%n", config.algorithm(), trainer.iteration());
        }
        Evaluator evaluator = new Evaluator(tokenizer, format);
        // Before and after on the whole held-out set; the trainer's periodic evaluations use its first evalProblems.
        // A resumed run reports against its own start (stored in its checkpoints), not against the resume point.
        EvalResult before = trainer.startEvaluation() != null ? trainer.startEvaluation()
                : evaluator.evaluate(trainer.policy(), task.test(), config.sampling().maxNewTokens());
        trainer.withStartEvaluation(before);
        console.printf(Locale.ROOT, "%s: %d prompts x %d responses per iteration, %d iterations; held-out greedy accuracy before: %.1f%% (%d/%d)%n",
                config.algorithm(), config.sampling().promptsPerIteration(), config.sampling().groupSize(), config.iterations(), 100 * before.accuracy(),
                before.correct(), before.problems());
        try (CsvMetricsListener csv = CsvMetricsListener.continuing(metrics, trainer.iteration());
             ProgressListener progress = new ProgressListener(config.algorithm(), config.iterations(), trainer.iteration(), console)) {
            trainer.addListener(csv).addListener(progress);
            java.util.Arrays.stream(extra).forEach(trainer::addListener);
            trainer.train(task.train(), task.test());
        }
        // The trainer's final evaluation already covers the whole held-out set when evalProblems reaches its size.
        EvalResult last = trainer.lastEvaluation();
        EvalResult after = last != null && last.problems() == task.test().size()
                ? last : evaluator.evaluate(trainer.policy(), task.test(), config.sampling().maxNewTokens());
        Path finalCheckpoint = out.resolve("final.ckpt");
        CheckpointStore.save(finalCheckpoint, trainer.checkpoint());
        Path plot = out.resolve("plot.png");
        MetricsPlot.write(metrics, plot, config.algorithm() + " on " + task.name());
        return new Outcome(before, after, finalCheckpoint, metrics, plot, (System.nanoTime() - t0) / 1e9, trainer.policy());
    }

    static void report(String algorithm, Outcome o, PrintStream console) {
        console.printf(Locale.ROOT, "held-out greedy accuracy after %s: %.1f%% (%d/%d), %+.1f points%n", algorithm,
                100 * o.after().accuracy(), o.after().correct(), o.after().problems(),
                100 * (o.after().accuracy() - o.before().accuracy()));
        for (EvalResult.Example e : o.after().examples()) {
            console.printf("  example (%s): %s -> %s%n", e.correct() ? "right" : "wrong", e.question(), e.response().replace("\n", " | "));
        }
        console.printf(Locale.ROOT, "wrote %s, %s, %s (%.0f s)%n", o.metrics(), o.plot(), o.checkpoint(), o.seconds());
    }
}
