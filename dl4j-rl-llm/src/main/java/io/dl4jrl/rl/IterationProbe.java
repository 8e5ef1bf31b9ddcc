package io.dl4jrl.rl;

import java.util.Map;

/**
 * A measurement taken once an iteration's advantages are known and before its update: value-prediction
 * diagnostics, gradient variance, response diversity, the reward-hacking guard. Registered by name in
 * {@link IterationProbes}; its metrics join the iteration's, and the loop times it as {@code time_<name>_s}.
 */
public interface IterationProbe extends RlPlugin {

    /** The probe's metrics for this iteration (empty when it is not due). */
    Map<String, Double> measure(IterationView view);
}
