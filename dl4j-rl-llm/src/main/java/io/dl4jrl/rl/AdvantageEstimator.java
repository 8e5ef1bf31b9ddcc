package io.dl4jrl.rl;

/**
 * Turns rewards into per-token advantages. One class per method (verl's core_algos style); the trainer
 * picks one by name from {@link AdvantageEstimators}.
 */
public interface AdvantageEstimator {

    String name();

    /** Whether the estimator reads {@link RolloutGroups#values()} (and so needs a value head). */
    default boolean needsCritic() {
        return false;
    }

    Advantages estimate(RolloutGroups rollouts);
}
