package io.dl4jrl.rl;

import io.dl4jrl.graphs.rl.KlEstimator;
import io.dl4jrl.graphs.rl.LossAggregation;

import java.util.Objects;

/**
 * The loss of an RL run (docs/algorithms.md, "PPO", "GRPO", "KL estimators"): the policy loss and its settings, how
 * per-token terms are aggregated, and the KL, entropy and value terms.
 *
 * @param policyLoss          a name registered in {@link PolicyLosses}: "ppo-clip" (default) or "vanilla-pg"
 * @param clipEpsilon         PPO ε
 * @param dualClip            dual-clip c (0 = off)
 * @param aggregation         loss aggregation mode
 * @param constantLength      L_max for seq-mean-token-sum-norm
 * @param klCoefficient       β of KL(π‖π_ref) as a loss term
 * @param klRewardCoefficient β of the per-token KL penalty in the reward
 * @param klEstimator         estimator for both KL uses
 * @param entropyCoefficient  entropy bonus
 * @param valueCoefficient    value-loss weight (> 0 iff the estimator needs a critic)
 * @param valueClip           value-loss clip ε_v
 */
public record RlLoss(String policyLoss, double clipEpsilon, double dualClip, LossAggregation aggregation, double constantLength,
                     double klCoefficient, double klRewardCoefficient, KlEstimator klEstimator, double entropyCoefficient,
                     double valueCoefficient, double valueClip) implements java.io.Serializable {

    public RlLoss {
        Objects.requireNonNull(aggregation, "aggregation");
        Objects.requireNonNull(klEstimator, "klEstimator");
        LossAggregation chosen = aggregation;
        PolicyLosses.create(Objects.requireNonNull(policyLoss, "policyLoss")).requiredAggregation().ifPresent(required -> {
            if (required != chosen) {
                throw new IllegalArgumentException("policyLoss '" + policyLoss + "' is defined with aggregation " + required + ", got " + chosen);
            }
        });
    }

    /** Whether the run keeps a frozen reference for a KL term or penalty. */
    public boolean usesKl() {
        return klCoefficient > 0 || klRewardCoefficient > 0;
    }
}
