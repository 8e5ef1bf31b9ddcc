package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.List;

/**
 * PPO's clipped surrogate (Schulman et al., 2017, eq. 7), per token:
 * {@code L = −min(ρA, clip(ρ, 1−ε_low, 1+ε_high)A)}, {@code ρ = exp(clip(log π − log π_old, ±20))} (the bound:
 * {@link #MAX_LOG_RATIO}). PPO's ε_low = ε_high; DAPO's clip-higher (docs/algorithms.md, "DAPO", eq. 10) decouples
 * them (0.2 / 0.28) so that low-probability tokens may grow further before their gradient stops. With dual clip (Ye et al.,
 * 2020) the loss of a token with {@code A < 0} is capped at {@code −c·A}, bounding the update when ρ is huge.
 *
 * <p>Diagnostics: {@value #CLIP_FRACTION} (share of response tokens where the clip is active, i.e. the
 * clipped term is the smaller one) and {@value #APPROX_KL} (mean of the k3 estimator of KL(π_old‖π),
 * {@code (ρ − 1) − log ρ}), {@value #RATIO_MEAN} and {@value #RATIO_MAX_DEVIATION} (max |ρ − 1| over response
 * tokens: 0 on an exactly on-policy step, which OPO relies on).
 */
public record PpoClipLoss(double epsilon, double epsilonHigh, double dualClip) implements PolicyLoss {
    public static final String RATIO = "ratio";
    public static final String CLIP_FRACTION = "clip_fraction";
    public static final String APPROX_KL = "approx_kl";
    public static final String RATIO_MEAN = "ratio_mean";
    public static final String RATIO_MAX_DEVIATION = "ratio_max_deviation";
    /** Bound of |log ρ| before {@code exp} (verl's ±20): ρ stays within [2.1e-9, 4.9e8]. */
    public static final double MAX_LOG_RATIO = 20;

    public PpoClipLoss {
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new IllegalArgumentException("epsilon must be in (0, 1), got " + epsilon);
        }
        if (!(epsilonHigh > 0) || Double.isInfinite(epsilonHigh)) {
            throw new IllegalArgumentException("epsilonHigh must be a finite number > 0, got " + epsilonHigh);
        }
        if (dualClip != 0 && !(dualClip > 1)) {
            throw new IllegalArgumentException("dualClip must be 0 (off) or > 1, got " + dualClip);
        }
    }

    /** Symmetric clip range [1 − ε, 1 + ε]. */
    public PpoClipLoss(double epsilon, double dualClip) {
        this(epsilon, epsilon, dualClip);
    }

    /** ε = 0.2, no dual clip. */
    public PpoClipLoss() {
        this(0.2, 0);
    }

    @Override
    public String name() {
        return "ppo-clip";
    }

    @Override
    public SDVariable perToken(RlInputs in, SDVariable logProbs) {
        SameDiff sd = in.sameDiff();
        SDVariable a = in.advantages();
        // The log-ratio is clamped to ±MAX_LOG_RATIO before exp, as verl does: beyond it exp overflows float32 (at 88.7)
        // and ∞ − ∞ would turn a finite loss into NaN. Past the bound the ratio, and its gradient, stop growing; the clipped
        // term is selected there anyway unless A < 0 without a dual clip.
        SDVariable logRatio = sd.math.clipByValue(logProbs.sub(in.oldLogProbs()), -MAX_LOG_RATIO, MAX_LOG_RATIO);
        SDVariable ratio = sd.math.exp(RATIO, logRatio);
        SDVariable unclipped = ratio.mul(a);
        SDVariable clipped = sd.math.clipByValue(ratio, 1 - epsilon, 1 + epsilonHigh).mul(a);
        SDVariable loss = TieSafe.min(sd, unclipped, clipped).neg();
        in.maskedMean(CLIP_FRACTION, sd.lt(clipped, unclipped).castTo(loss.dataType()));
        in.maskedMean(APPROX_KL, ratio.sub(1.0).sub(logRatio));
        in.maskedMean(RATIO_MEAN, ratio);
        sd.max(RATIO_MAX_DEVIATION, sd.math.abs(ratio.sub(1.0)).mul(in.mask()));
        if (dualClip > 0) {
            SDVariable negative = sd.lt(a, in.constant(0.0)).castTo(loss.dataType());
            SDVariable capped = TieSafe.min(sd, loss, a.mul(-dualClip));
            loss = negative.mul(capped).add(negative.rsub(1.0).mul(loss));
        }
        return loss;
    }

    @Override
    public List<String> diagnostics() {
        return List.of(CLIP_FRACTION, APPROX_KL, RATIO_MEAN, RATIO_MAX_DEVIATION);
    }
}
