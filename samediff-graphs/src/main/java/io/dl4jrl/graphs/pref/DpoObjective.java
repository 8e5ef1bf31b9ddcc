package io.dl4jrl.graphs.pref;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Wires a {@link DpoLoss} onto a policy graph's token log-probs: a response-mask placeholder
 * ({@value #RESPONSE_MASK}, {@code [2P, T]}, chosen rows first), the per-row sequence log-probs and lengths
 * ({@link SequenceLogProbs}), and the frozen reference's sequence log-probs as placeholders {@value #REF_CHOSEN} and
 * {@value #REF_REJECTED} ({@code [P]}): the reference enters only through numbers computed once, so no reference
 * model needs to stay in memory. SimPO ignores the reference placeholders (it has none).
 */
public final class DpoObjective {
    public static final String RESPONSE_MASK = "preference_response_mask";
    public static final String REF_CHOSEN = "ref_chosen_logprobs";
    public static final String REF_REJECTED = "ref_rejected_logprobs";

    private DpoObjective() {
    }

    /** Builds the objective; returns the scalar loss {@link DpoLoss#LOSS}. */
    public static SDVariable attach(SameDiff sd, SDVariable tokenLogProbs, DpoLoss loss) {
        SDVariable mask = sd.placeHolder(RESPONSE_MASK, tokenLogProbs.dataType(), -1, -1);
        SDVariable seq = SequenceLogProbs.attach(sd, tokenLogProbs, mask);
        SDVariable lengths = sd.getVariable(SequenceLogProbs.RESPONSE_LENGTHS);
        boolean simpo = loss.variant() == DpoLoss.Variant.SIMPO;
        SDVariable refChosen = simpo ? null : sd.placeHolder(REF_CHOSEN, tokenLogProbs.dataType(), -1);
        SDVariable refRejected = simpo ? null : sd.placeHolder(REF_REJECTED, tokenLogProbs.dataType(), -1);
        return loss.build(sd, SequenceLogProbs.chosen(seq), SequenceLogProbs.rejected(seq), refChosen, refRejected,
                SequenceLogProbs.chosen(lengths), SequenceLogProbs.rejected(lengths));
    }
}
