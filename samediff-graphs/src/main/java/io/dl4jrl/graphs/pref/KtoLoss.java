package io.dl4jrl.graphs.pref;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * KTO, Kahneman-Tversky optimisation (Ethayarajh et al., 2024; docs/algorithms.md, "Preference learning", KTO) on
 * unpaired examples, each desirable or undesirable, as a graph piece. With the implied reward
 * {@code r = log π(y|x) − log π_ref(y|x)} and the reference point {@code z0 = max(0, mean sg(log π(y'|x) − log π_ref(y'|x)))}
 * estimated on mismatched (prompt, completion) pairs of the same batch, the loss of an example is
 * {@code λ_D (1 − σ(β (r − z0)))} when desirable and {@code λ_U (1 − σ(β (z0 − r))))} when undesirable; the batch loss is
 * their mean.
 *
 * <p>Layout: a response mask {@value #RESPONSE_MASK} {@code [B, T]} over the examples, the reference's sequence log-probs
 * {@value #REF_LOGPS} {@code [B]}, the labels {@value #LABELS} {@code [B]} (1 desirable, 0 undesirable) and z0
 * ({@value #REFERENCE_POINT}, a scalar) are placeholders. z0 is a constant of the step (the paper does not
 * back-propagate through it), so the trainer computes it from an inference pass over the mismatched pairs
 * ({@link #referencePoint}) instead of carrying those rows through the training pass.
 *
 * @param beta              β (the paper's 0.1)
 * @param desirableWeight   λ_D
 * @param undesirableWeight λ_U (the paper keeps λ_D·n_D / (λ_U·n_U) in [1, 4/3])
 */
public record KtoLoss(double beta, double desirableWeight, double undesirableWeight) {
    public static final String RESPONSE_MASK = "kto_response_mask";
    public static final String REF_LOGPS = "kto_ref_logprobs";
    public static final String LABELS = "kto_labels";
    public static final String REFERENCE_POINT = "kto_reference_point";
    public static final String LOSS = "kto_loss";
    /** Mean β·r over the desirable examples of the batch (0 when none), TRL's rewards/chosen. */
    public static final String REWARD_DESIRABLE = "kto_reward_desirable";
    /** Mean β·r over the undesirable examples (0 when none), TRL's rewards/rejected. */
    public static final String REWARD_UNDESIRABLE = "kto_reward_undesirable";

    public KtoLoss {
        if (!(beta > 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("KTO beta must be a finite number > 0, got " + beta);
        if (!(desirableWeight > 0) || Double.isInfinite(desirableWeight)) {
            throw new IllegalArgumentException("KTO desirableWeight must be a finite number > 0, got " + desirableWeight);
        }
        if (!(undesirableWeight > 0) || Double.isInfinite(undesirableWeight)) {
            throw new IllegalArgumentException("KTO undesirableWeight must be a finite number > 0, got " + undesirableWeight);
        }
    }

    /** β 0.1, λ_D = λ_U = 1. */
    public static KtoLoss defaults() {
        return new KtoLoss(0.1, 1, 1);
    }

    /**
     * z0 = max(0, mean_j (log π(y'_j|x_j) − log π_ref(y'_j|x_j))) over the batch's mismatched pairs (eq. 2's KL term,
     * estimated as the paper and TRL do).
     */
    public static double referencePoint(double[] policyLogProbs, double[] referenceLogProbs) {
        if (policyLogProbs.length != referenceLogProbs.length || policyLogProbs.length == 0) {
            throw new IllegalArgumentException("z0 needs the same, non-zero number of policy and reference log-probs, got "
                    + policyLogProbs.length + " and " + referenceLogProbs.length);
        }
        double sum = 0;
        for (int i = 0; i < policyLogProbs.length; i++) {
            sum += policyLogProbs[i] - referenceLogProbs[i];
        }
        return Math.max(0, sum / policyLogProbs.length);
    }

    /** Builds the loss on the policy's token log-probs {@code [B, T]}; returns the scalar {@value #LOSS}. */
    public SDVariable attach(SameDiff sd, SDVariable tokenLogProbs) {
        SDVariable mask = sd.placeHolder(RESPONSE_MASK, tokenLogProbs.dataType(), -1, -1);
        SDVariable ref = sd.placeHolder(REF_LOGPS, tokenLogProbs.dataType(), -1);
        SDVariable labels = sd.placeHolder(LABELS, tokenLogProbs.dataType(), -1);
        SDVariable z0 = sd.placeHolder(REFERENCE_POINT, tokenLogProbs.dataType(), 1); // [1], broadcast over the batch
        SDVariable r = SequenceLogProbs.attach(sd, tokenLogProbs, mask).sub(ref); // [B]
        // 1 − σ(x) = σ(−x)
        SDVariable desirable = sd.nn.sigmoid(r.sub(z0).mul(-beta)).mul(desirableWeight);
        SDVariable undesirable = sd.nn.sigmoid(z0.sub(r).mul(-beta)).mul(undesirableWeight);
        SDVariable perExample = labels.mul(desirable).add(labels.rsub(1.0).mul(undesirable));
        SDVariable one = sd.constant(1.0).castTo(r.dataType());
        SDVariable bR = r.mul(beta);
        bR.mul(labels).sum().div(REWARD_DESIRABLE, sd.math.max(labels.sum(), one));
        bR.mul(labels.rsub(1.0)).sum().div(REWARD_UNDESIRABLE, sd.math.max(labels.rsub(1.0).sum(), one));
        return sd.identity(LOSS, perExample.mean());
    }
}
