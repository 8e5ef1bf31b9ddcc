package io.dl4jrl.rl;

import java.util.Map;

/**
 * Changes an iteration's outcome rewards before any advantage estimator sees them (Memory-R+'s episodic bonuses,
 * for example). Registered by name in {@link RewardShapings}; shapings run in registration order.
 */
public interface RewardShaping extends RlPlugin {

    /** Adds to (or replaces) {@code outcomes[i]} for each row of {@code rollouts}; returns the shaping's metrics. */
    Map<String, Double> shape(Rollouts rollouts, double[] outcomes, RlRun run);
}
