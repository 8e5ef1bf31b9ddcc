package io.dl4jrl.health;

import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.StepMetrics;

import java.util.Map;
import java.util.Optional;

/**
 * One watched sign of an unhealthy run. {@link HealthMonitor} shows it every iteration's metrics (and every held-out
 * evaluation first, at evaluation steps); the signal answers whether its condition holds there, with the reading that
 * says why. A signal whose metric a run does not report (no reference: no KL) stays silent. Registered by name in
 * {@link HealthSignals}.
 */
public interface HealthSignal {

    /** The signal's name in messages and health.json, e.g. {@code entropy_collapse}. */
    String name();

    /** The metric the signal reads (what {@code compare} plots for it). */
    String metric();

    /** Whether per-iteration conditions must hold {@link HealthConfig#patience} times in a row (false: trips at once). */
    default boolean usesPatience() {
        return true;
    }

    /** A held-out evaluation at {@code step}, before that step's {@link #check}. */
    default void onEvaluation(long step, EvalResult result) {
    }

    /** The reading that shows the condition at this iteration (e.g. "entropy 0.012 < 0.1 x start 0.84"), or empty. */
    Optional<String> check(StepMetrics step);

    /** The threshold(s) in force, for health.json. */
    Map<String, Double> thresholds();

    /** What the signal learned from the run (its start values, best accuracy), for health.json and a resumed run. */
    default Map<String, Double> state() {
        return Map.of();
    }

    /** Restores {@link #state()} read back from a resumed run's health.json. */
    default void restore(Map<String, Double> state) {
    }
}
