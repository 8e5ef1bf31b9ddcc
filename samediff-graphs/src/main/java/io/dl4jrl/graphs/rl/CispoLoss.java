package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

import java.util.List;
import java.util.Optional;

/**
 * CISPO (MiniMax-M1, 2025; docs/algorithms.md, "CISPO", eq. 4–5), per token:
 * {@code L = −sg(clip(ρ, 1−ε_low, 1+ε_high)) · A · log π}. The importance weight is clipped and held constant
 * (stop-gradient), so it scales the REINFORCE gradient {@code −A·∇log π} of every token instead of dropping the tokens
 * whose ratio left the range, as PPO's min does: rare "fork" tokens keep their gradient after the first update. The
 * paper puts no lower bound on the weight ({@code ε_low} ≥ 1 means weights in [0, 1+ε_high]) and tunes only ε_high.
 * It is defined with the token-level mean ({@link LossAggregation#TOKEN_MEAN}), which this loss requires.
 *
 * <p>The reported value is the weighted log-likelihood term, not a surrogate whose value tracks improvement; its
 * gradient is what matters. Diagnostics: {@value #CLIP_FRACTION} (share of response tokens whose weight was capped),
 * {@value PpoClipLoss#RATIO_MEAN} and {@value PpoClipLoss#RATIO_MAX_DEVIATION}, as PPO's.
 */
public record CispoLoss(double epsilonLow, double epsilonHigh) implements PolicyLoss {
    public static final String IS_WEIGHT = "cispo_weight";
    public static final String CLIP_FRACTION = PpoClipLoss.CLIP_FRACTION;

    public CispoLoss {
        if (!(epsilonLow > 0) || Double.isInfinite(epsilonLow)) {
            throw new IllegalArgumentException("CISPO epsilonLow must be a finite number > 0 (>= 1: no lower bound), got " + epsilonLow);
        }
        if (!(epsilonHigh > 0) || Double.isInfinite(epsilonHigh)) {
            throw new IllegalArgumentException("CISPO epsilonHigh must be a finite number > 0, got " + epsilonHigh);
        }
    }

    /** No lower bound, weights capped at 1 + 2 = 3 (see docs/algorithms.md, "CISPO", for the choice). */
    public CispoLoss() {
        this(1.0, 2.0);
    }

    @Override
    public String name() {
        return "cispo";
    }

    @Override
    public Optional<LossAggregation> requiredAggregation() {
        return Optional.of(LossAggregation.TOKEN_MEAN);
    }

    @Override
    public SDVariable perToken(RlInputs in, SDVariable logProbs) {
        SameDiff sd = in.sameDiff();
        SDVariable logRatio = sd.math.clipByValue(logProbs.sub(in.oldLogProbs()), -PpoClipLoss.MAX_LOG_RATIO, PpoClipLoss.MAX_LOG_RATIO);
        SDVariable ratio = sd.math.exp(logRatio);
        double low = Math.max(0.0, 1 - epsilonLow);
        SDVariable weight = sd.identity(IS_WEIGHT, new StopGradient(sd, sd.math.clipByValue(ratio, low, 1 + epsilonHigh)).outputVariable());
        SDVariable capped = sd.gt(ratio, in.constant(1 + epsilonHigh)).castTo(ratio.dataType());
        if (low > 0) {
            capped = capped.add(sd.lt(ratio, in.constant(low)).castTo(ratio.dataType()));
        }
        in.maskedMean(CLIP_FRACTION, capped);
        in.maskedMean(PpoClipLoss.RATIO_MEAN, ratio);
        sd.max(PpoClipLoss.RATIO_MAX_DEVIATION, sd.math.abs(ratio.sub(1.0)).mul(in.mask()));
        return weight.mul(in.advantages()).mul(logProbs).neg();
    }

    @Override
    public List<String> diagnostics() {
        return List.of(CLIP_FRACTION, PpoClipLoss.RATIO_MEAN, PpoClipLoss.RATIO_MAX_DEVIATION);
    }
}
