package io.dl4jrl.hyperparam;

import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultReference;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxTimeCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;

import java.io.PrintStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs an RL hyperparameter sweep with Arbiter: the candidate generator of {@link SweepConfig#search()} over an
 * {@link RlConfigSpace}, Arbiter's {@link LocalOptimizationRunner} with {@link SweepConfig#threads()} concurrent
 * tasks from an {@link RlTaskCreator}, a {@link MetricScoreFunction}, the {@link SweepResultSaver} and Arbiter's
 * count and time termination conditions; then gathers every candidate into a {@link SweepReport}.
 */
public final class RlSweep {
    private final RlConfigSpace space;
    private final SweepConfig config;
    private final MetricScoreFunction score;

    public RlSweep(RlConfigSpace space, SweepConfig config, MetricScoreFunction score) {
        this.space = Objects.requireNonNull(space, "space");
        this.config = Objects.requireNonNull(config, "config");
        this.score = Objects.requireNonNull(score, "score");
    }

    /** Arbiter's candidate generator for this sweep (initialising it assigns the space's leaf indices). */
    CandidateGenerator generator() {
        if (config.search() == SweepConfig.Search.GRID) {
            // Sequential order: RandomOrder shuffles in the constructor, before any seed could be set.
            return new GridSearchCandidateGenerator(space, config.gridPoints(), GridSearchCandidateGenerator.Mode.Sequential, null);
        }
        RandomSearchGenerator g = new RandomSearchGenerator(space, null);
        g.setRngSeed(config.seed());
        return g;
    }

    /** How many candidates this sweep runs at most: the count, capped by the grid's size for grid search. */
    int candidateBudget(CandidateGenerator g) {
        if (g instanceof GridSearchCandidateGenerator grid) {
            int total = grid.getTotalNumCandidates();
            return config.maxCandidates() == 0 ? total : Math.min(total, config.maxCandidates());
        }
        return config.maxCandidates();
    }

    public SweepReport run(RlTaskCreator tasks, TaskData data, PrintStream console) {
        return run(tasks, data, console, null);
    }

    /**
     * @param progressCsv rewritten after every finished candidate, so a sweep that is killed keeps its table;
     *                    {@code null} for none
     */
    public SweepReport run(RlTaskCreator tasks, TaskData data, PrintStream console, java.nio.file.Path progressCsv) {
        CandidateGenerator generator = generator();
        int budget = candidateBudget(generator);
        // Arbiter's runner loops until a termination condition holds, also after a grid is exhausted: the count
        // condition is always set, to the grid's size at most.
        List<TerminationCondition> stop = new ArrayList<>(List.of(new MaxCandidatesCondition(budget)));
        if (config.maxDuration() != null) {
            stop.add(new MaxTimeCondition(config.maxDuration().toMillis(), TimeUnit.MILLISECONDS));
        }
        OptimizationConfiguration oc = new OptimizationConfiguration.Builder()
                .candidateGenerator(new BoundedCandidateGenerator(generator, budget))
                .dataProvider(data)
                .modelSaver(new SweepResultSaver(config.keepCheckpoints()))
                .scoreFunction(score)
                .terminationConditions(stop)
                .build();
        LocalOptimizationRunner runner = new LocalOptimizationRunner(config.threads(), oc, tasks);
        if (console != null) {
            runner.addListeners(new ConsoleStatusListener(console, space));
            console.printf("sweep: %s search, %d candidates at most, %d at a time, score %s%n",
                    config.search().name().toLowerCase(java.util.Locale.ROOT), budget, config.threads(), score.describe());
        }
        if (progressCsv != null) {
            runner.addListeners(new ProgressTable(progressCsv));
        }
        runner.execute();
        return report(runner);
    }

    /** Rewrites the CSV whenever the runner has processed finished candidates (on the runner's own thread). */
    private final class ProgressTable extends org.deeplearning4j.arbiter.optimize.runner.listener.BaseStatusListener {
        private final java.nio.file.Path csv;

        ProgressTable(java.nio.file.Path csv) {
            this.csv = csv;
        }

        @Override
        public void onRunnerStatusChange(org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner runner) {
            try {
                report(runner).writeCsv(csv);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + csv, e);
            }
        }
    }

    private SweepReport report(org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner runner) {
        Map<Integer, RlTrainingResult> results = new HashMap<>();
        for (ResultReference ref : runner.getResults()) {
            try {
                OptimizationResult r = ref.getResult();
                results.put(r.getIndex(), (RlTrainingResult) r.getModelSpecificResults());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        List<SweepReport.Row> rows = new ArrayList<>();
        for (CandidateInfo info : runner.getCandidateStatus()) {
            // The space maps the candidate's point deterministically, so failed candidates get their values back too.
            RlCandidate candidate = space.getValue(info.getFlatParams());
            RlTrainingResult result = results.get(info.getIndex());
            double seconds = result != null ? result.seconds() : info.getStartTime() == null || info.getEndTime() == null ? 0
                    : (info.getEndTime() - info.getStartTime()) / 1000.0;
            String error = info.getCandidateStatus() == CandidateStatus.Failed ? SweepReport.firstLine(info.getExceptionStackTrace()) : null;
            rows.add(new SweepReport.Row(info.getIndex(), candidate, info.getCandidateStatus(), info.getScore(), seconds, error, result));
        }
        return new SweepReport(new ArrayList<>(space.spaces().keySet()), score.describe(), score.minimize(), rows);
    }
}
