package io.dl4jrl.rl;

import io.dl4jrl.graphs.rl.KlEstimator;
import io.dl4jrl.graphs.rl.LossAggregation;

import java.util.Objects;

/**
 * The loss of an RL run (docs/algorithms.md, "PPO", "GRPO", "KL estimators"): the policy loss and its settings, how
 * per-token terms are aggregated, and the KL, entropy and value terms.
 *
 * @param policyLoss          a name registered in {@link PolicyLosses}: "ppo-clip" (default), "gspo", "cispo" or "vanilla-pg"
 * @param clipEpsilon         the clip's lower bound ε_low (PPO's ε; GSPO's and CISPO's ε_low)
 * @param clipEpsilonHigh     the clip's upper bound ε_high (DAPO's clip-higher 0.28); 0 = the same as ε_low
 * @param dualClip            dual-clip c (0 = off)
 * @param maskTruncated       DAPO's overlong filtering: responses cut off by the token budget take no part in the loss
 * @param offPolicyCorrection importance weights for the gap between the sampler's log-probs and the trainer's
 *                            ({@link OffPolicyCorrection}: none, TIS or MIS at token or sequence level)
 * @param offPolicyThreshold  C of the correction: TIS truncates weights at C, MIS masks tokens (sequences) above it
 * @param covariance          Clip-Cov / KL-Cov entropy control on the policy loss (off by default)
 * @param aggregation         loss aggregation mode
 * @param constantLength      L_max for seq-mean-token-sum-norm
 * @param klCoefficient       β of KL(π‖π_ref) as a loss term
 * @param klRewardCoefficient β of the per-token KL penalty in the reward
 * @param klEstimator         estimator for both KL uses
 * @param entropyCoefficient  entropy bonus
 * @param valueCoefficient    value-loss weight (> 0 iff the estimator needs a critic)
 * @param valueClip           value-loss clip ε_v
 */
public record RlLoss(String policyLoss, double clipEpsilon, double clipEpsilonHigh, double dualClip, LossAggregation aggregation,
                     double constantLength, double klCoefficient, double klRewardCoefficient, KlEstimator klEstimator,
                     double entropyCoefficient, double valueCoefficient, double valueClip, boolean maskTruncated,
                     OffPolicyCorrection offPolicyCorrection, double offPolicyThreshold,
                     io.dl4jrl.graphs.rl.CovarianceControl covariance) implements java.io.Serializable {

    public RlLoss {
        Objects.requireNonNull(aggregation, "aggregation");
        Objects.requireNonNull(klEstimator, "klEstimator");
        Objects.requireNonNull(offPolicyCorrection, "offPolicyCorrection");
        Objects.requireNonNull(covariance, "covariance");
        if (!(clipEpsilonHigh >= 0) || Double.isInfinite(clipEpsilonHigh)) {
            throw new IllegalArgumentException("clipEpsilonHigh must be a finite number >= 0 (0: the same as clipEpsilon), got " + clipEpsilonHigh);
        }
        if (!(offPolicyThreshold > 1) || Double.isInfinite(offPolicyThreshold)) {
            throw new IllegalArgumentException("offPolicyThreshold must be a finite number > 1 (a cap on importance weights), got "
                    + offPolicyThreshold);
        }
        LossAggregation chosen = aggregation;
        PolicyLosses.create(Objects.requireNonNull(policyLoss, "policyLoss")).requiredAggregation().ifPresent(required -> {
            if (required != chosen) {
                throw new IllegalArgumentException("policyLoss '" + policyLoss + "' is defined with aggregation " + required + ", got " + chosen);
            }
        });
    }

    /** The clip's upper bound: {@link #clipEpsilonHigh} when set, else {@link #clipEpsilon} (a symmetric clip). */
    public double clipEpsilonHighOrLow() {
        return clipEpsilonHigh > 0 ? clipEpsilonHigh : clipEpsilon;
    }

    /** Whether the run keeps a frozen reference for a KL term or penalty. */
    public boolean usesKl() {
        return klCoefficient > 0 || klRewardCoefficient > 0;
    }
}
