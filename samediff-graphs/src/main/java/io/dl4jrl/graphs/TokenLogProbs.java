package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Per-token log-probabilities of given target tokens under a policy graph's logits:
 * {@code log π(target_t | tokens_<=t) = log_softmax(logits_t)[target_t]}, shape {@code [batch, time]}.
 * Every loss of the library starts from this variable.
 *
 * <p>The optional temperature divides the logits first, so the log-probs are those of the distribution a
 * sampler at that temperature draws from (as verl and TRL recompute them for the ratio).
 */
public final class TokenLogProbs {
    /** Placeholder of target ids {@code [batch, time]}: the input ids shifted left by one. */
    public static final String TARGET_IDS = "target_ids";
    /** Output variable name. */
    public static final String TOKEN_LOGPROBS = "token_logprobs";

    private TokenLogProbs() {
    }

    /** Adds the target placeholder and the log-prob variable at temperature 1. */
    public static SDVariable attach(PolicyGraph policy, int vocabSize) {
        return attach(policy, vocabSize, 1.0);
    }

    public static SDVariable attach(PolicyGraph policy, int vocabSize, double temperature) {
        SameDiff sd = policy.sameDiff();
        SDVariable targets = sd.placeHolder(TARGET_IDS, DataType.INT32, -1, -1);
        SDVariable logits = sd.reshape(scaled(policy.logitsVariable(), temperature), -1, vocabSize);   // [B*T, V]
        SDVariable logProb = rowLogProbs(sd, logits, sd.reshape(targets, -1).castTo(DataType.INT64), vocabSize);
        return sd.reshape(TOKEN_LOGPROBS, logProb, sd.shape(targets));                             // [B, T]
    }

    /**
     * The same {@value #TOKEN_LOGPROBS} {@code [B, T]}, computed only at the {@link KeptLogits} positions and 0
     * elsewhere: no {@code [B, T, V]} array is made. Feed {@link KeptLogits#feed} of the positions a loss reads.
     */
    public static SDVariable attachKept(PolicyGraph policy, int vocabSize, double temperature) {
        SameDiff sd = policy.sameDiff();
        SDVariable targets = sd.placeHolder(TARGET_IDS, DataType.INT32, -1, -1);
        SDVariable logits = scaled(KeptLogits.attach(policy, vocabSize), temperature);                  // [N, V]
        SDVariable keptTargets = sd.gather(sd.reshape(targets, -1), sd.getVariable(KeptLogits.KEPT_POSITIONS), 0)
                .castTo(DataType.INT64);                                                                // [N]
        return KeptLogits.spread(sd, rowLogProbs(sd, logits, keptTargets, vocabSize), targets, TOKEN_LOGPROBS);
    }

    private static SDVariable scaled(SDVariable logits, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        return temperature == 1.0 ? logits : logits.div(temperature);
    }

    /**
     * {@code logits[m, target_m] − logsumexp(logits[m])} for logits {@code [M, V]} and INT64 targets {@code [M]}, as
     * {@code [M, 1]}. This avoids SameDiff M2.1's LogSoftMax op, whose dimension argument breaks the graph clone that
     * building the gradient function does. The target logit is a row lookup in the flattened logits (row
     * {@code m·V + target_m}), not a product with an [M, V] one-hot matrix.
     */
    private static SDVariable rowLogProbs(SameDiff sd, SDVariable logits, SDVariable targets, int vocabSize) {
        SDVariable rows = sd.range(sd.constant(0L), sd.sizeAt(logits, 0).castTo(DataType.INT64), sd.constant(1L), DataType.INT64)
                .mul((long) vocabSize).add(targets);
        SDVariable targetLogits = EmbeddingRows.lookup(sd, sd.reshape(logits, -1, 1), rows);                // [M, 1]
        return targetLogits.sub(LogSumExp.along(sd, logits, 1));
    }
}
