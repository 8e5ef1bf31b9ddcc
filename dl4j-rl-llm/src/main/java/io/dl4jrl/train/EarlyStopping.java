package io.dl4jrl.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Stops a trainer when a metric stops improving for {@code patience} observations, or as soon as it reaches
 * a target. The metric is either a held-out evaluation metric ({@code accuracy}, {@code accuracy_level_<n>},
 * {@code pass_at_<k>}, {@code mean_response_length}: observed at each evaluation) or any per-step metric
 * ({@code loss}, {@code reward_mean}, ...: observed every step), the same names the CSV metrics use.
 *
 * <p>Written for the library's own trainers rather than using DL4J's {@code EarlyStoppingTrainer}, which
 * drives {@code MultiLayerNetwork}/{@code ComputationGraph} fitting and cannot wrap an RL loop whose "epoch"
 * is sampling plus updates. Pair it with checkpointing: {@link #bestStep()} names the checkpoint to keep.
 */
public final class EarlyStopping implements TrainingListener {
    private static final Logger log = LoggerFactory.getLogger(EarlyStopping.class);

    /** Whether larger or smaller values of the metric are better. */
    public enum Mode { MAXIMIZE, MINIMIZE }

    private final String metric;
    private final Mode mode;
    private final int patience;
    private final double minDelta;
    private final Double target;
    private double best = Double.NaN;
    private long bestStep = -1;
    private int sinceBest;
    private String reason;

    /**
     * @param metric   metric name as in the metrics CSV
     * @param mode     whether the metric should rise or fall
     * @param patience observations without an improvement of more than {@code minDelta} before stopping (0 = never for that reason)
     * @param minDelta smallest change that counts as an improvement
     * @param target   stop as soon as the metric is at least this good; {@code null} for none
     */
    public EarlyStopping(String metric, Mode mode, int patience, double minDelta, Double target) {
        this.metric = Objects.requireNonNull(metric, "metric");
        this.mode = Objects.requireNonNull(mode, "mode");
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("minDelta must be >= 0, got " + minDelta);
        }
        if (patience == 0 && target == null) {
            throw new IllegalArgumentException("give a patience > 0, a target, or both; otherwise nothing would ever stop");
        }
        this.patience = patience;
        this.minDelta = minDelta;
        this.target = target;
    }

    /** Stop when held-out accuracy has not risen for {@code patience} evaluations. */
    public static EarlyStopping onAccuracy(int patience) {
        return new EarlyStopping("accuracy", Mode.MAXIMIZE, patience, 0.0, null);
    }

    @Override
    public void onStep(StepMetrics metrics) {
        observe(metrics.step(), metrics.values());
    }

    @Override
    public void onEvaluation(long step, EvalResult r) {
        observe(step, r.metrics());
    }

    private void observe(long step, Map<String, Double> values) {
        Double v = values.get(metric);
        if (v == null || v.isNaN() || reason != null) {
            return;
        }
        if (Double.isNaN(best) || better(v, best, minDelta)) {
            best = v;
            bestStep = step;
            sinceBest = 0;
        } else {
            sinceBest++;
        }
        if (target != null && !better(target, v, 0) ) {
            reason = String.format(Locale.ROOT, "%s reached %.4g at step %d (target %.4g)", metric, v, step, target);
        } else if (patience > 0 && sinceBest >= patience) {
            reason = String.format(Locale.ROOT, "%s has not improved for %d observations (best %.4g at step %d)",
                    metric, sinceBest, best, bestStep);
        }
        if (reason != null) {
            log.info("early stopping: {}", reason);
        }
    }

    /** Whether {@code a} beats {@code b} by more than {@code delta} in this mode. */
    private boolean better(double a, double b, double delta) {
        return mode == Mode.MAXIMIZE ? a > b + delta : a < b - delta;
    }

    @Override
    public boolean stopRequested() {
        return reason != null;
    }

    /** Why training was stopped, or {@code null} while it goes on. */
    public String reason() {
        return reason;
    }

    public double best() {
        return best;
    }

    /** Step (or iteration) of the best value so far; -1 before the first observation. */
    public long bestStep() {
        return bestStep;
    }
}
