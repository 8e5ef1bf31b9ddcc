package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Per-token entropy of the policy's next-token distribution, {@code H_t = −Σ_v p_v log p_v}, from the
 * logits {@code [batch, time, vocab]} (divided by a temperature first, matching the sampler).
 */
public final class EntropyBonus {
    private EntropyBonus() {
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
