package io.dl4jrl.graphs.rl;

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

    public static SDVariable perToken(SameDiff sd, SDVariable logits, double temperature) {
        SDVariable scaled = temperature == 1.0 ? logits : logits.div(temperature);
        SDVariable max = scaled.max(true, 2);
        SDVariable shifted = scaled.sub(max);
        SDVariable logZ = sd.math.log(sd.math.exp(shifted).sum(true, 2));
        SDVariable logP = shifted.sub(logZ);                      // [B, T, V]
        SDVariable p = sd.math.exp(logP);
        return p.mul(logP).sum(false, 2).neg();                   // [B, T]
    }
}
