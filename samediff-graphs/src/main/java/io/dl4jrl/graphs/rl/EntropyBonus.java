package io.dl4jrl.graphs.rl;

import io.dl4jrl.graphs.KeptLogits;
import io.dl4jrl.graphs.PolicyGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Per-token entropy of the policy's next-token distribution, {@code H_t = −Σ_v p_v log p_v}, from the
 * logits {@code [batch, time, vocab]} (divided by a temperature first, matching the sampler).
 */
public final class EntropyBonus {
    /** Name of the per-token entropy {@code [batch, time]} that {@link #attach} adds. */
    public static final String TOKEN_ENTROPY = "token_entropy";

    private EntropyBonus() {
    }

    /**
     * The graph's per-token entropy variable {@value #TOKEN_ENTROPY}, added once. Defining it costs nothing: SameDiff
     * computes it only in passes that ask for it or for a loss that uses it, so a trainer without an entropy bonus
     * reads it in its inference (scoring) pass and never holds its [batch, time, vocab] arrays during training.
     */
    public static SDVariable attach(SameDiff sd, SDVariable logits, double temperature) {
        if (sd.hasVariable(TOKEN_ENTROPY)) {
            return sd.getVariable(TOKEN_ENTROPY);
        }
        return sd.identity(TOKEN_ENTROPY, perToken(sd, logits, temperature));
    }

    /**
     * The same {@value #TOKEN_ENTROPY} {@code [B, T]} computed only at the {@link KeptLogits} positions (0 elsewhere),
     * so no {@code [B, T, V]} array is made; added once.
     */
    public static SDVariable attachKept(PolicyGraph policy, int vocabSize, double temperature) {
        SameDiff sd = policy.sameDiff();
        if (sd.hasVariable(TOKEN_ENTROPY)) {
            return sd.getVariable(TOKEN_ENTROPY);
        }
        SDVariable perKept = entropy(sd, KeptLogits.attach(policy, vocabSize), temperature, 1); // [N]
        return KeptLogits.spread(sd, perKept, policy.inputIdsVariable(), TOKEN_ENTROPY);
    }

    public static SDVariable perToken(SameDiff sd, SDVariable logits, double temperature) {
        return entropy(sd, logits, temperature, 2);
    }

    /** {@code −Σ p log p} over {@code axis} of the logits divided by the temperature; that axis is removed. */
    private static SDVariable entropy(SameDiff sd, SDVariable logits, double temperature, int axis) {
        SDVariable scaled = temperature == 1.0 ? logits : logits.div(temperature);
        SDVariable max = scaled.max(true, axis);
        SDVariable shifted = scaled.sub(max);
        SDVariable logZ = sd.math.log(sd.math.exp(shifted).sum(true, axis));
        SDVariable logP = shifted.sub(logZ);                      // [B, T, V] or [N, V]
        SDVariable p = sd.math.exp(logP);
        return p.mul(logP).sum(false, axis).neg();                // [B, T] or [N]
    }
}
