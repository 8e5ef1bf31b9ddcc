package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Per-token estimators of KL(π_θ‖π_ref) from the sampled token's log-probs, with d = log π_ref − log π_θ
 * (Schulman, "Approximating KL divergence", 2020; docs/algorithms.md).
 */
public enum KlEstimator {
    /** k1 = −d: unbiased, can be negative. */
    K1,
    /** k2 = ½ d²: biased, low variance, always ≥ 0. */
    K2,
    /** k3 = exp(d) − 1 − d: unbiased and always ≥ 0. */
    K3;

    public SDVariable perToken(SameDiff sd, SDVariable logProbs, SDVariable refLogProbs) {
        SDVariable d = refLogProbs.sub(logProbs);
        return switch (this) {
            case K1 -> d.neg();
            case K2 -> d.mul(d).mul(0.5);
            case K3 -> sd.math.exp(d).sub(1.0).sub(d);
        };
    }

    /** Plain-Java value of the estimator for one token (used for KL-in-reward penalties). */
    public double value(double logProb, double refLogProb) {
        double d = refLogProb - logProb;
        return switch (this) {
            case K1 -> -d;
            case K2 -> 0.5 * d * d;
            case K3 -> Math.exp(d) - 1 - d;
        };
    }

    public static KlEstimator parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown KL estimator '" + s + "'; use k1, k2 or k3");
        }
    }
}
