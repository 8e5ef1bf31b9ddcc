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
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        SameDiff sd = policy.sameDiff();
        SDVariable targets = sd.placeHolder(TARGET_IDS, DataType.INT32, -1, -1);
        SDVariable logits = policy.logitsVariable();
        if (temperature != 1.0) {
            logits = logits.div(temperature);
        }
        // logits[target] - logsumexp(logits). This avoids SameDiff M2.1's LogSoftMax op, whose dimension
        // argument breaks the graph clone that building the gradient function does. The target logit is a row
        // lookup in the flattened logits (row (b*T + t)*V + target), not a product with a [B, T, V] one-hot matrix.
        SDVariable flatLogits = sd.reshape(logits, -1, 1);                             // [B*T*V, 1]
        SDVariable positions = sd.range(sd.constant(0L), sd.prod(sd.shape(targets).castTo(DataType.INT64)),
                sd.constant(1L), DataType.INT64);                                      // [B*T]
        SDVariable rows = positions.mul((long) vocabSize).add(sd.reshape(targets, -1).castTo(DataType.INT64));
        SDVariable targetLogits = sd.reshape(EmbeddingRows.lookup(sd, flatLogits, rows), sd.shape(logits.sum(true, 2)));
        SDVariable logProb = targetLogits.sub(LogSumExp.lastAxis(sd, logits));       // [B, T, 1]
        return logProb.sum(TOKEN_LOGPROBS, false, 2);                                // squeeze -> [B, T]
    }

    /**
     * The same {@value #TOKEN_LOGPROBS} {@code [B, T]}, computed only at the {@link KeptLogits} positions and 0
     * elsewhere: no {@code [B, T, V]} array is made. Feed {@link KeptLogits#feed} of the positions a loss reads.
     */
    public static SDVariable attachKept(PolicyGraph policy, int vocabSize, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        SameDiff sd = policy.sameDiff();
        SDVariable targets = sd.placeHolder(TARGET_IDS, DataType.INT32, -1, -1);
        SDVariable logits = KeptLogits.attach(policy, vocabSize);                     // [N, V]
        if (temperature != 1.0) {
            logits = logits.div(temperature);
        }
        SDVariable keptTargets = sd.gather(sd.reshape(targets, -1), sd.getVariable(KeptLogits.KEPT_POSITIONS), 0)
                .castTo(DataType.INT64);                                               // [N]
        SDVariable kept = sd.sizeAt(logits, 0).castTo(DataType.INT64);
        SDVariable rows = sd.range(sd.constant(0L), kept, sd.constant(1L), DataType.INT64)
                .mul((long) vocabSize).add(keptTargets);                                // row k*V + target_k
        SDVariable targetLogits = EmbeddingRows.lookup(sd, sd.reshape(logits, -1, 1), rows);       // [N, 1]
        SDVariable logProb = targetLogits.sub(LogSumExp.along(sd, logits, 1));                     // [N, 1]
        return KeptLogits.spread(sd, logProb, targets, TOKEN_LOGPROBS);
    }
}
