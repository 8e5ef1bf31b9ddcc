package io.dl4jrl.graphs.pref;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Wires a {@link DpoLoss} onto a policy graph's token log-probs: a response-mask placeholder
 * ({@value #RESPONSE_MASK}, {@code [2P, T]}, chosen rows first), the per-row sequence log-probs and lengths
 * ({@link SequenceLogProbs}), and the frozen reference's sequence log-probs as placeholders {@value #REF_CHOSEN} and
 * {@value #REF_REJECTED} ({@code [P]}): the reference enters only through numbers computed once, so no reference
 * model needs to stay in memory. SimPO and ORPO have no reference placeholders.
 *
 * <p>With {@code chosenNllWeight} α > 0 the objective adds the length-normalised negative log-likelihood of the
 * chosen responses, {@value #TOTAL_LOSS} = loss + α · mean(−log π(y_w | x) / |y_w|): the RPO objective of Pang et al.
 * (2024, "Iterative Reasoning Preference Optimization", α = 1), which found that DPO alone lowers the likelihood of
 * the chosen solutions on GSM8K. {@value #CHOSEN_NLL} is that NLL term (always defined, as a diagnostic).
 */
public final class DpoObjective {
    public static final String RESPONSE_MASK = "preference_response_mask";
    public static final String REF_CHOSEN = "ref_chosen_logprobs";
    public static final String REF_REJECTED = "ref_rejected_logprobs";
    public static final String CHOSEN_NLL = "chosen_nll";
    public static final String TOTAL_LOSS = "preference_total_loss";

    private DpoObjective() {
    }

    /** Builds the objective without an NLL term; returns the scalar {@link #TOTAL_LOSS} (equal to {@link DpoLoss#LOSS}). */
    public static SDVariable attach(SameDiff sd, SDVariable tokenLogProbs, DpoLoss loss) {
        return attach(sd, tokenLogProbs, loss, 0);
    }

    /** Builds the objective; returns the scalar {@link #TOTAL_LOSS}. */
    public static SDVariable attach(SameDiff sd, SDVariable tokenLogProbs, DpoLoss loss, double chosenNllWeight) {
        if (!(chosenNllWeight >= 0)) {
            throw new IllegalArgumentException("chosenNllWeight must be >= 0, got " + chosenNllWeight);
        }
        SDVariable mask = sd.placeHolder(RESPONSE_MASK, tokenLogProbs.dataType(), -1, -1);
        SDVariable seq = SequenceLogProbs.attach(sd, tokenLogProbs, mask);
        SDVariable lengths = sd.getVariable(SequenceLogProbs.RESPONSE_LENGTHS);
        boolean simpo = !loss.usesReference();
        SDVariable refChosen = simpo ? null : sd.placeHolder(REF_CHOSEN, tokenLogProbs.dataType(), -1);
        SDVariable refRejected = simpo ? null : sd.placeHolder(REF_REJECTED, tokenLogProbs.dataType(), -1);
        SDVariable preference = loss.build(sd, SequenceLogProbs.chosen(seq), SequenceLogProbs.rejected(seq), refChosen, refRejected,
                SequenceLogProbs.chosen(lengths), SequenceLogProbs.rejected(lengths));
        SDVariable nll = sd.identity(CHOSEN_NLL, SequenceLogProbs.chosen(seq).div(SequenceLogProbs.chosen(lengths)).neg().mean());
        return sd.identity(TOTAL_LOSS, chosenNllWeight > 0 ? preference.add(nll.mul(chosenNllWeight)) : preference);
    }
}
