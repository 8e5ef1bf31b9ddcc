package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.List;
import java.util.Optional;

/**
 * GSPO's sequence-level clipped surrogate (Zheng et al., 2025; docs/algorithms.md, "GSPO", eq. 5–7). The importance
 * ratio is the sequence's length-normalised likelihood ratio
 * {@code s_i = (π(y_i|x)/π_old(y_i|x))^(1/|y_i|) = exp((1/|y_i|) Σ_t (log π − log π_old))}, and the loss of sequence i is
 * {@code −min(s_i·A_i, clip(s_i, 1−ε_low, 1+ε_high)·A_i)}: a whole response is clipped or not, where PPO clips token by
 * token. The paper's bounds are tiny (3e-4 / 4e-4) because s_i is a geometric mean of token ratios.
 *
 * <p>As a per-token piece, every response token of sequence i carries that sequence's loss (with the token's
 * advantage, which group advantages make the same for all tokens), so the per-sequence token mean
 * ({@link LossAggregation#SEQ_MEAN_TOKEN_MEAN}, which this loss requires) is exactly {@code (1/G) Σ_i} of the
 * sequence losses, and its gradient is the paper's eq. 7: {@code s_i·A_i·(1/|y_i|) Σ_t ∇log π} where unclipped. The
 * sequence log-ratio is clamped to ±{@link PpoClipLoss#MAX_LOG_RATIO} before {@code exp}, as PPO's is.
 *
 * <p>Diagnostics: {@value #CLIP_FRACTION} (share of sequences whose clipped term is the smaller),
 * {@value #RATIO_MEAN} (mean s_i over sequences) and {@value PpoClipLoss#RATIO_MAX_DEVIATION} (max |s_i − 1|).
 */
public record GspoLoss(double epsilonLow, double epsilonHigh) implements PolicyLoss {
    public static final String SEQUENCE_RATIO = "sequence_ratio";
    public static final String CLIP_FRACTION = PpoClipLoss.CLIP_FRACTION;
    public static final String RATIO_MEAN = PpoClipLoss.RATIO_MEAN;

    public GspoLoss {
        if (!(epsilonLow > 0 && epsilonLow < 1)) {
            throw new IllegalArgumentException("GSPO epsilonLow must be in (0, 1), got " + epsilonLow);
        }
        if (!(epsilonHigh > 0) || Double.isInfinite(epsilonHigh)) {
            throw new IllegalArgumentException("GSPO epsilonHigh must be a finite number > 0, got " + epsilonHigh);
        }
    }

    /** The paper's bounds: 3e-4 below, 4e-4 above. */
    public GspoLoss() {
        this(3e-4, 4e-4);
    }

    @Override
    public String name() {
        return "gspo";
    }

    @Override
    public Optional<LossAggregation> requiredAggregation() {
        return Optional.of(LossAggregation.SEQ_MEAN_TOKEN_MEAN);
    }

    @Override
    public SDVariable perToken(RlInputs in, SDVariable logProbs) {
        SameDiff sd = in.sameDiff();
        SDVariable m = in.mask();
        SDVariable a = in.advantages();
        // (1/|y_i|) Σ_t m·(log π − log π_old), as [batch, 1] so it broadcasts over the sequence's tokens.
        SDVariable tokens = sd.math.max(m.sum(true, 1), in.constant(1.0));
        SDVariable meanLogRatio = logProbs.sub(in.oldLogProbs()).mul(m).sum(true, 1).div(tokens);
        SDVariable s = sd.math.exp(SEQUENCE_RATIO,
                sd.math.clipByValue(meanLogRatio, -PpoClipLoss.MAX_LOG_RATIO, PpoClipLoss.MAX_LOG_RATIO));
        SDVariable unclipped = s.mul(a);
        SDVariable clipped = sd.math.clipByValue(s, 1 - epsilonLow, 1 + epsilonHigh).mul(a);
        SDVariable loss = TieSafe.min(sd, unclipped, clipped).neg();
        // Per-sequence diagnostics: a sequence counts once, whatever its length (empty rows count nowhere).
        SDVariable hasTokens = sd.gt(m.sum(true, 1), in.constant(0.0)).castTo(loss.dataType());
        SDVariable sequences = sd.math.max(hasTokens.sum(), in.constant(1.0));
        SDVariable clippedSeq = sd.lt(clipped, unclipped).castTo(loss.dataType()).mul(m).sum(true, 1).div(tokens);
        clippedSeq.mul(hasTokens).sum().div(CLIP_FRACTION, sequences);
        s.mul(hasTokens).sum().div(RATIO_MEAN, sequences);
        sd.max(PpoClipLoss.RATIO_MAX_DEVIATION, sd.math.abs(s.sub(1.0)).mul(hasTokens));
        return loss;
    }

    @Override
    public List<String> diagnostics() {
        return List.of(CLIP_FRACTION, RATIO_MEAN, PpoClipLoss.RATIO_MAX_DEVIATION);
    }
}
