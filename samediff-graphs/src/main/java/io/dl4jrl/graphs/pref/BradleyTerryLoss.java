package io.dl4jrl.graphs.pref;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The Bradley-Terry reward-model loss (docs/algorithms.md): −log σ(r(x, y_w) − r(x, y_l) − margin), mean over
 * pairs, plus optionally λ · mean((r_w + r_l)²) to keep rewards centred. Inputs are the scalar rewards {@code [B]}
 * of the chosen and rejected responses (e.g. {@code SequenceRewardHead} read at each response's last token).
 *
 * @param margin          required reward gap (0 = plain Bradley-Terry)
 * @param centeringWeight λ of the centring term (0 = off)
 */
public record BradleyTerryLoss(double margin, double centeringWeight) {

    public static final String LOSS = "reward_model_loss";
    public static final String ACCURACY = "reward_model_accuracy";

    public BradleyTerryLoss {
        if (!(centeringWeight >= 0)) throw new IllegalArgumentException("centeringWeight must be >= 0, got " + centeringWeight);
    }

    /** Builds the loss ({@link #LOSS}) and the share of pairs ranked right ({@link #ACCURACY}, no gradient use). */
    public SDVariable build(SameDiff sd, SDVariable chosenReward, SDVariable rejectedReward) {
        SDVariable gap = chosenReward.sub(rejectedReward);
        SDVariable loss = DpoLoss.logSigmoid(sd, gap.sub(margin)).neg().mean();
        if (centeringWeight > 0) {
            SDVariable sum = chosenReward.add(rejectedReward);
            loss = loss.add(sum.mul(sum).mean().mul(centeringWeight));
        }
        sd.identity(ACCURACY, gap.gt(0.0).castTo(gap.dataType()).mean());
        return sd.identity(LOSS, loss);
    }
}
