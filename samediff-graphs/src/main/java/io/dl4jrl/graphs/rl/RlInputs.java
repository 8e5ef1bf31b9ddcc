package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The per-token placeholders every RL loss reads, all {@code [batch, time]} and aligned with the policy's
 * {@code token_logprobs} (position t holds the quantity of the token predicted at t). Each is created on
 * first use, so a graph holds only the ones its losses need.
 */
public final class RlInputs {
    /** Log-probs of the sampled tokens under the policy that sampled them. */
    public static final String OLD_LOGPROBS = "old_logprobs";
    /** Log-probs of the sampled tokens under the frozen reference policy. */
    public static final String REF_LOGPROBS = "ref_logprobs";
    /** Per-token advantages. */
    public static final String ADVANTAGES = "advantages";
    /** Per-token returns (value targets). */
    public static final String RETURNS = "returns";
    /** Values predicted by the value head when the batch was sampled. */
    public static final String OLD_VALUES = "old_values";
    /**
     * Constant per-token weights of the policy loss: the off-policy correction's importance weights between the
     * sampler and the trainer (TIS/MIS), 1 where there is none.
     */
    public static final String IS_WEIGHTS = "is_weights";
    /** 1 on response tokens, 0 on prompt and padding. */
    public static final String RESPONSE_MASK = "response_mask";

    private final SameDiff sd;
    private final DataType dataType;

    public RlInputs(SameDiff sd, DataType dataType) {
        this.sd = sd;
        this.dataType = dataType;
    }

    public SameDiff sameDiff() {
        return sd;
    }

    public SDVariable get(String name) {
        SDVariable v = sd.getVariable(name);
        return v != null ? v : sd.placeHolder(name, dataType, -1, -1);
    }

    public SDVariable oldLogProbs() { return get(OLD_LOGPROBS); }
    public SDVariable refLogProbs() { return get(REF_LOGPROBS); }
    public SDVariable advantages() { return get(ADVANTAGES); }
    public SDVariable returns() { return get(RETURNS); }
    public SDVariable oldValues() { return get(OLD_VALUES); }
    public SDVariable mask() { return get(RESPONSE_MASK); }
    public SDVariable importanceWeights() { return get(IS_WEIGHTS); }

    /** A scalar constant of the inputs' type. */
    public SDVariable constant(double value) {
        return sd.constant(value).castTo(dataType);
    }

    /** Masked mean over all response tokens: Σ m·x / max(Σ m, 1). For diagnostics. */
    public SDVariable maskedMean(String name, SDVariable perToken) {
        SDVariable m = mask();
        return perToken.mul(m).sum().div(name, sd.math.max(m.sum(), constant(1.0)));
    }
}
