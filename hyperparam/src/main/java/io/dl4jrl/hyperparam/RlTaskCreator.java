package io.dl4jrl.hyperparam;

import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.Tokenizer;
import io.dl4jrl.train.CsvMetricsListener;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultSaver;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Arbiter {@link TaskCreator} for {@link RlConfigSpace} candidates: each task trains a short RL run from the shared
 * start policy (usually an SFT checkpoint) with the candidate's configuration and scores it with the sweep's score
 * function. Tasks share nothing mutable: each gets its own copy of the start policy (copied under a lock on it, the
 * only read of shared weights), its own trainer, optimizer and reward function from {@code rewards}, and its own
 * folder; so Arbiter's runner may run several at once. A task that fails (an invalid combination, a diverged run)
 * returns a {@link CandidateStatus#Failed} result with the reason instead of throwing, so the runner counts it.
 */
public final class RlTaskCreator implements TaskCreator {
    private final CausalLm start;
    private final Tokenizer tokenizer;
    private final PromptFormat format;
    private final Supplier<RewardFunction> rewards;
    private final Path outDir;
    private java.util.function.Consumer<RlTrainer> setup = trainer -> { };

    /**
     * @param rewards a new reward function per candidate (reward functions may hold state, e.g. a learned model)
     * @param outDir  candidate folders ({@code candidate-NNN}: metrics.csv, config.json) go here; {@code null} keeps
     *                everything in memory
     */
    public RlTaskCreator(CausalLm start, Tokenizer tokenizer, PromptFormat format, Supplier<RewardFunction> rewards, Path outDir) {
        this.start = Objects.requireNonNull(start, "start");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.format = Objects.requireNonNull(format, "format");
        this.rewards = Objects.requireNonNull(rewards, "rewards");
        this.outDir = outDir;
    }

    /**
     * Applied to each candidate's trainer before it trains, e.g. to put its sampling and gradient passes on a cluster
     * ({@code sweep --spark}).
     */
    public RlTaskCreator trainerSetup(java.util.function.Consumer<RlTrainer> setup) {
        this.setup = Objects.requireNonNull(setup, "setup");
        return this;
    }

    static Path folder(Path outDir, int index) {
        return outDir == null ? null : outDir.resolve(String.format(Locale.ROOT, "candidate-%03d", index));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Callable<OptimizationResult> create(Candidate candidate, DataProvider dataProvider, ScoreFunction scoreFunction,
                                               List<StatusListener> statusListeners, IOptimizationRunner runner) {
        return () -> run(candidate, (List<Problem>) dataProvider.trainData(candidate.getDataParameters()),
                (List<Problem>) dataProvider.testData(candidate.getDataParameters()), dataProvider, scoreFunction,
                statusListeners, runner);
    }

    @Override
    public Callable<OptimizationResult> create(Candidate candidate, Class<? extends DataSource> dataSource, Properties props,
                                               ScoreFunction scoreFunction, List<StatusListener> statusListeners,
                                               IOptimizationRunner runner) {
        throw new UnsupportedOperationException("RL sweeps take their problems from a DataProvider (TaskData), not a DataSource");
    }

    private OptimizationResult run(Candidate candidate, List<Problem> train, List<Problem> test, DataProvider data,
                                   ScoreFunction scoreFunction, List<StatusListener> listeners, IOptimizationRunner runner) {
        int index = candidate.getIndex();
        long t0 = System.currentTimeMillis();
        double[] flat = candidate.getFlatParameters();
        CandidateInfo running = new CandidateInfo(index, CandidateStatus.Running, null, t0, t0, null, flat, null);
        notify(listeners, running, runner, null);
        try {
            RlCandidate c = (RlCandidate) candidate.getValue();
            if (!c.valid()) {
                throw new IllegalArgumentException("not a valid configuration: " + c.invalidReason());
            }
            Path folder = folder(outDir, index);
            releaseFinishedCandidates();
            RlTrainer trainer;
            synchronized (start) {
                trainer = new RlTrainer(start, tokenizer, format, rewards.get(), c.config());
            }
            setup.accept(trainer);
            MetricHistory history = new MetricHistory();
            trainer.addListener(history).addListener(new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    for (StatusListener l : listeners) {
                        l.onCandidateIteration(running, null, (int) m.step());
                    }
                }
            });
            EvalResult last;
            if (folder != null) {
                try (CsvMetricsListener csv = new CsvMetricsListener(folder.resolve("metrics.csv"))) {
                    trainer.addListener(csv);
                    last = trainer.train(train, test);
                }
            } else {
                last = trainer.train(train, test);
            }
            long t1 = System.currentTimeMillis();
            RlTrainingResult r = new RlTrainingResult(index, c.config(), history.series(), last, (t1 - t0) / 1000.0, folder);
            double score = scoreFunction.score(r, data, candidate.getDataParameters());
            if (!Double.isFinite(score)) {
                throw new IllegalStateException("score is " + score);
            }
            CandidateInfo done = new CandidateInfo(index, CandidateStatus.Complete, score, t0, t0, t1, flat, null);
            OptimizationResult result = new OptimizationResult(candidate, score, index, r, done, null);
            ResultSaver saver = runner.getConfiguration().getResultSaver();
            if (saver != null) {
                result.setResultReference(saver.saveModel(result, trainer.checkpoint()));
            }
            notify(listeners, done, runner, result);
            return result;
        } catch (Exception e) {
            long t1 = System.currentTimeMillis();
            CandidateInfo failed = new CandidateInfo(index, CandidateStatus.Failed, null, t0, t0, t1, flat,
                    ExceptionUtils.getStackTrace(e));
            OptimizationResult result = new OptimizationResult(candidate, null, index, null, failed, null);
            notify(listeners, failed, runner, result);
            return result;
        }
    }

    /**
     * A finished candidate's graphs, optimizer state and activations are off-heap arrays freed only when their
     * Java owners are collected; those owners are small, so without a collection here each candidate would start
     * on top of the last one's garbage (a 12-candidate sweep grew past 20 GB). One collection per candidate costs
     * tens of milliseconds.
     */
    private static void releaseFinishedCandidates() {
        System.gc();
        org.bytedeco.javacpp.Pointer.deallocateReferences();
    }

    private static void notify(List<StatusListener> listeners, CandidateInfo info, IOptimizationRunner runner, OptimizationResult r) {
        for (StatusListener l : listeners) {
            l.onCandidateStatusChange(info, runner, r);
        }
    }
}
