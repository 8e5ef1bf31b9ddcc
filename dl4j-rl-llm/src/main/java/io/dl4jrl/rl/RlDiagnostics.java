package io.dl4jrl.rl;

/**
 * Measurements an RL run may add (the value-prediction diagnostics live in {@link VineConfig}).
 *
 * @param trackPolicyShift      keep a frozen copy of the start policy even without a KL term, to report
 *                              {@code kl_to_reference} (policy shift) every iteration; costs one more forward pass
 * @param gradientVarianceEvery every N iterations, measure the across-group variance of the policy gradient under the
 *                              OPO, group-mean and no baseline on that iteration's batch (0 = never); the probe
 *                              differentiates the whole loss, so it is meaningful without KL and entropy terms
 */
public record RlDiagnostics(boolean trackPolicyShift, int gradientVarianceEvery) implements java.io.Serializable {
    public RlDiagnostics {
        if (gradientVarianceEvery < 0) {
            throw new IllegalArgumentException("gradientVarianceEvery must be >= 0, got " + gradientVarianceEvery);
        }
    }
}
