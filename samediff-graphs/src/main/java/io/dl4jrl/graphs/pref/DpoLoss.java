package io.dl4jrl.graphs.pref;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Direct preference optimisation and its variants as a SameDiff graph piece (formulas in docs/algorithms.md,
 * from the survey of Wang et al., 2024). Inputs are per-pair sequence log-probabilities {@code [B]} of the chosen
 * (w) and rejected (l) responses under the policy and the frozen reference, and response lengths in tokens.
 * With h = [log π(y_w) − log π_ref(y_w)] − [log π(y_l) − log π_ref(y_l)]:
 * <ul>
 *   <li>SIGMOID (DPO, Rafailov et al., 2023): −log σ(β h)</li>
 *   <li>HINGE: max(0, 1 − β h)</li>
 *   <li>CONSERVATIVE (label smoothing ε): −(1−ε) log σ(β h) − ε log σ(−β h)</li>
 *   <li>ROBUST (Chowdhury et al., 2024): [−(1−ε) log σ(β h) + ε log σ(−β h)] / (1 − 2ε)</li>
 *   <li>IPO (Azar et al., 2023): (h̄ − 1/(2β))², h̄ with per-token averaged log-ratios</li>
 *   <li>SIMPO (Meng et al., 2024, no reference): −log σ(β/|y_w| log π(y_w) − β/|y_l| log π(y_l) − γ)</li>
 *   <li>ORPO (Hong et al., 2024, eq. 6–7, no reference): −log π(y_w)/|y_w| − λ log σ(log odds(y_w) − log odds(y_l)),
 *       odds(y) = P/(1 − P) with the length-normalised likelihood P = exp(log π(y)/|y|); λ is {@code beta} (the
 *       paper's 0.1). The SFT term is part of the loss, so no separate NLL weight is needed.</li>
 * </ul>
 * The loss is the mean over pairs. log σ(x) is written −softplus(−x), stable for large |x|.
 *
 * @param variant        which loss
 * @param beta           β (DPO default 0.1)
 * @param labelSmoothing ε for CONSERVATIVE and ROBUST, in [0, 0.5)
 * @param simpoGamma     SimPO's target margin γ
 */
public record DpoLoss(Variant variant, double beta, double labelSmoothing, double simpoGamma) {

    public enum Variant { SIGMOID, HINGE, CONSERVATIVE, ROBUST, IPO, SIMPO, ORPO }

    /** Whether the loss compares with a frozen reference (SimPO and ORPO do not). */
    public boolean usesReference() {
        return variant != Variant.SIMPO && variant != Variant.ORPO;
    }

    /** Whether the loss compares per-token averaged log-probs (IPO, SimPO, ORPO) rather than sums. */
    public boolean lengthNormalised() {
        return variant == Variant.IPO || variant == Variant.SIMPO || variant == Variant.ORPO;
    }

    public static final String LOSS = "preference_loss";
    public static final String MARGIN = "preference_margin";

    public DpoLoss {
        if (variant == null) throw new IllegalArgumentException("variant is required");
        if (!(beta > 0)) throw new IllegalArgumentException("beta must be > 0, got " + beta);
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 0.5), got " + labelSmoothing);
        }
    }

    /** DPO with β = 0.1. */
    public static DpoLoss dpo() {
        return new DpoLoss(Variant.SIGMOID, 0.1, 0, 0);
    }

    /**
     * Builds the loss; returns the scalar named {@link #LOSS}. Also names {@link #MARGIN}: the mean of β h (the
     * implicit reward margin; SimPO's length-normalised margin), a diagnostic.
     *
     * @param refChosen   ignored (may be null) for SIMPO
     * @param refRejected ignored (may be null) for SIMPO
     */
    public SDVariable build(SameDiff sd, SDVariable chosen, SDVariable rejected, SDVariable refChosen, SDVariable refRejected,
                            SDVariable chosenLengths, SDVariable rejectedLengths) {
        SDVariable perPair;
        SDVariable margin;
        switch (variant) {
            case IPO -> {
                SDVariable h = chosen.sub(refChosen).div(chosenLengths).sub(rejected.sub(refRejected).div(rejectedLengths));
                SDVariable d = h.sub(1.0 / (2 * beta));
                perPair = d.mul(d);
                margin = h.mul(beta);
            }
            case ORPO -> {
                SDVariable meanW = chosen.div(chosenLengths);
                SDVariable meanL = rejected.div(rejectedLengths);
                SDVariable logOddsRatio = logOdds(sd, meanW).sub(logOdds(sd, meanL));
                perPair = meanW.neg().sub(logSigmoid(sd, logOddsRatio).mul(beta));
                margin = logOddsRatio;
            }
            case SIMPO -> {
                SDVariable x = chosen.div(chosenLengths).sub(rejected.div(rejectedLengths)).mul(beta).sub(simpoGamma);
                perPair = logSigmoid(sd, x).neg();
                margin = x;
            }
            default -> {
                SDVariable bh = chosen.sub(refChosen).sub(rejected.sub(refRejected)).mul(beta);
                margin = bh;
                perPair = switch (variant) {
                    case SIGMOID -> logSigmoid(sd, bh).neg();
                    case HINGE -> sd.nn.relu(bh.rsub(1.0), 0);
                    case CONSERVATIVE -> logSigmoid(sd, bh).mul(-(1 - labelSmoothing)).sub(logSigmoid(sd, bh.neg()).mul(labelSmoothing));
                    case ROBUST -> logSigmoid(sd, bh).mul(-(1 - labelSmoothing)).add(logSigmoid(sd, bh.neg()).mul(labelSmoothing))
                            .div(1 - 2 * labelSmoothing);
                    default -> throw new IllegalStateException(variant.name());
                };
            }
        }
        sd.identity(MARGIN, margin.mean());
        return sd.identity(LOSS, perPair.mean());
    }

    /**
     * log(P / (1 − P)) for P = exp(m), m ≤ 0 a mean token log-prob: m − log(1 − e^m). m is kept at most −1e-6 so that a
     * response the policy is certain of (P → 1) has large but finite odds instead of log 0.
     */
    static SDVariable logOdds(SameDiff sd, SDVariable meanLogProb) {
        SDVariable m = sd.math.min(meanLogProb, sd.constant(-1e-6).castTo(meanLogProb.dataType()));
        return m.sub(sd.math.log(sd.math.exp(m).rsub(1.0)));
    }

    /** log σ(x) = −softplus(−x). */
    static SDVariable logSigmoid(SameDiff sd, SDVariable x) {
        return sd.nn.softplus(x.neg()).neg();
    }
}
