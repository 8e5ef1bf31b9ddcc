package io.dl4jrl.health;

/**
 * Sampler mismatch: the k3 KL between the sampler's and the trainer's log-probs of the sampled tokens
 * ({@code sampler_mismatch_kl}, io.dl4jrl.rl.OffPolicyCorrection) above a bound: the rollouts are no longer the
 * trainer's policy's, and without an off-policy correction the update is biased.
 */
final class SamplerMismatch extends AboveSignal {
    SamplerMismatch(HealthConfig c) {
        super("sampler_mismatch_kl", c.mismatchKlMax());
    }

    @Override
    public String name() {
        return "sampler_mismatch";
    }
}
