package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * How per-token losses L_{i,t} with response mask m become one number (docs/algorithms.md, "Loss
 * aggregation"; verl's loss_agg_mode).
 */
public enum LossAggregation {
    /** Σ_{i,t} m·L / Σ_{i,t} m: every token weighs the same (DAPO, verl's default). */
    TOKEN_MEAN,
    /** mean_i Σ_t m·L: every sequence's summed loss, averaged over sequences. */
    SEQ_MEAN_TOKEN_SUM,
    /** mean_i (Σ_t m·L / Σ_t m): every sequence weighs the same (original GRPO). */
    SEQ_MEAN_TOKEN_MEAN,
    /** Σ_{i,t} m·L / (G · L_max) with a constant L_max: no length bias (Dr. GRPO). */
    SEQ_MEAN_TOKEN_SUM_NORM;

    /** @param constantLength L_max, used only by {@link #SEQ_MEAN_TOKEN_SUM_NORM} */
    public SDVariable aggregate(RlInputs in, SDVariable perToken, double constantLength, String name) {
        SameDiff sd = in.sameDiff();
        SDVariable m = in.mask();
        SDVariable masked = perToken.mul(m);
        SDVariable one = in.constant(1.0);
        SDVariable sequences = sd.sizeAt(m, 0).castTo(perToken.dataType());
        return switch (this) {
            case TOKEN_MEAN -> masked.sum().div(name, sd.math.max(m.sum(), one));
            case SEQ_MEAN_TOKEN_SUM -> masked.sum(false, 1).mean(name);
            case SEQ_MEAN_TOKEN_MEAN -> masked.sum(false, 1).div(sd.math.max(m.sum(false, 1), one)).mean(name);
            case SEQ_MEAN_TOKEN_SUM_NORM -> {
                if (!(constantLength > 0)) {
                    throw new IllegalArgumentException("SEQ_MEAN_TOKEN_SUM_NORM needs a positive constant length, got " + constantLength);
                }
                yield masked.sum().div(name, sequences.mul(constantLength));
            }
        };
    }

    /**
     * The weight of one part of a mini-batch (a micro-batch) in this aggregation, such that the mini-batch's aggregate
     * is Σ_parts share · (the part's own aggregate), exactly: a token's share of the tokens for {@link #TOKEN_MEAN}, a
     * sequence's share of the sequences for the others (each of them is a mean over sequences of a per-sequence
     * quantity, and {@link #SEQ_MEAN_TOKEN_SUM_NORM}'s denominator is G · L_max). Gradient accumulation weights each
     * micro-batch's gradient by it, so the accumulated gradient is the mini-batch's.
     */
    public double share(long partTokens, int partSequences, long batchTokens, int batchSequences) {
        if (partTokens < 0 || partSequences < 0 || partTokens > batchTokens || partSequences > batchSequences || batchSequences == 0) {
            throw new IllegalArgumentException("a part of " + partSequences + " sequences / " + partTokens + " tokens does not fit a batch of "
                    + batchSequences + " sequences / " + batchTokens + " tokens");
        }
        if (this == TOKEN_MEAN) {
            return batchTokens == 0 ? 0.0 : (double) partTokens / batchTokens;
        }
        return (double) partSequences / batchSequences;
    }

    /** Parses verl-style names (token-mean, seq-mean-token-sum, ...) as well as the enum names. */
    public static LossAggregation parse(String s) {
        String key = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        try {
            return valueOf(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown loss aggregation '" + s + "'; use one of token-mean, seq-mean-token-sum, "
                    + "seq-mean-token-mean, seq-mean-token-sum-norm");
        }
    }
}
