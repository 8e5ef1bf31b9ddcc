package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Supervised fine-tuning loss: mean negative log-likelihood of the target tokens where the loss mask is 1
 * (response tokens), so prompt tokens and padding teach nothing. Token-mean aggregation:
 * {@code L = -Σ m·log π / max(Σ m, 1)}.
 */
public final class SftLoss {
    /** Placeholder {@code [batch, time]}: 1 on tokens whose prediction is trained, 0 elsewhere. */
    public static final String LOSS_MASK = "loss_mask";
    /** The scalar loss variable. */
    public static final String SFT_LOSS = "sft_loss";

    private SftLoss() {
    }

    /** Attaches the loss to token log-probs (from {@link TokenLogProbs}) and marks it as the graph's loss. */
    public static SDVariable attach(SameDiff sd, SDVariable tokenLogProbs) {
        SDVariable mask = sd.placeHolder(LOSS_MASK, tokenLogProbs.dataType(), -1, -1);
        SDVariable total = tokenLogProbs.mul(mask).sum();
        SDVariable count = sd.math.max(mask.sum(), sd.constant(1.0).castTo(tokenLogProbs.dataType()));
        SDVariable loss = total.div(count).neg(SFT_LOSS);
        sd.setLossVariables(loss);
        return loss;
    }
}
