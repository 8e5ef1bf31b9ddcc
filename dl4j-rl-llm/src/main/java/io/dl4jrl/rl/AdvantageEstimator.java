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

    /** Whether the estimator needs the {@link RolloutContext} (token ids and a rollout engine), as VinePPO does. */
    default boolean needsRolloutContext() {
        return false;
    }

    /**
     * Whether the estimator's advantages are only valid for the exact policy that sampled the rollouts (OPO's
     * optimal baseline): the run must then take one gradient step per batch (one epoch, one mini-batch).
     */
    default boolean exactlyOnPolicy() {
        return false;
    }

    /**
     * The smallest group the estimator is meaningful for: estimators that compare the responses of a group (GRPO, RLOO,
     * OPO) need 2, since one response alone gets advantage 0 and the run would not learn.
     */
    default int minimumGroupSize() {
        return 1;
    }

    Advantages estimate(RolloutGroups rollouts);

    /** The trainer's entry point; estimators that need more than rewards override it. */
    default Advantages estimate(RolloutGroups rollouts, RolloutContext context) {
        return estimate(rollouts);
    }
}
