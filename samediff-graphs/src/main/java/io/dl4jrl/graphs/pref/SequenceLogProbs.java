package io.dl4jrl.graphs.pref;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Sequence log-probabilities for preference losses: log π(y | x) = Σ_t mask_t · log π(y_t | ...) over the response
 * tokens, from {@code TokenLogProbs} {@code [B, T]} and a response mask {@code [B, T]}. Preference batches put the
 * chosen responses in rows {@code [0, P)} and the rejected ones in rows {@code [P, 2P)}; {@link #chosen} and
 * {@link #rejected} take the halves of any per-row vector {@code [2P]}.
 */
public final class SequenceLogProbs {
    public static final String SEQUENCE_LOGPROBS = "sequence_logprobs";
    public static final String RESPONSE_LENGTHS = "response_lengths";

    private SequenceLogProbs() {
    }

    /** Σ_t mask · token log-prob per row, {@code [rows]}, named {@link #SEQUENCE_LOGPROBS}. */
    public static SDVariable attach(SameDiff sd, SDVariable tokenLogProbs, SDVariable responseMask) {
        // At least 1: an empty response (all of it masked, e.g. cut by the context) has log-prob sum 0, and IPO's and SimPO's
        // per-token averages divide by its length, which would make the loss 0/0 = NaN; its average is 0 instead.
        SDVariable tokens = responseMask.sum(1);
        sd.identity(RESPONSE_LENGTHS, sd.nn.relu(tokens.sub(1.0), 0).add(1.0));
        return tokenLogProbs.mul(responseMask).sum(SEQUENCE_LOGPROBS, false, 1);
    }

    /** The first half of a {@code [2P]} per-row vector: the chosen responses. */
    public static SDVariable chosen(SDVariable perRow) {
        return perRow.reshape(2, -1).get(SDIndex.point(0));
    }

    /** The second half of a {@code [2P]} per-row vector: the rejected responses. */
    public static SDVariable rejected(SDVariable perRow) {
        return perRow.reshape(2, -1).get(SDIndex.point(1));
    }
}
