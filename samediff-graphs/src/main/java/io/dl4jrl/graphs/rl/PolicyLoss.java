package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A policy-gradient loss as a graph piece: from the policy's per-token log-probs and the RL placeholders,
 * the per-token loss {@code [batch, time]} (unmasked; {@link LossAggregation} masks and reduces it). It
 * may add named scalar diagnostics and returns their names through {@link #diagnostics()}.
 */
public interface PolicyLoss {

    String name();

    SDVariable perToken(RlInputs in, SDVariable logProbs);

    /**
     * The aggregation the loss is defined with, when it has one (a sequence-level loss that averages per sequence,
     * for example); a run configured with another is rejected before training. Empty: any aggregation.
     */
    default java.util.Optional<LossAggregation> requiredAggregation() {
        return java.util.Optional.empty();
    }

    /** Names of the scalar diagnostic variables {@link #perToken} added. */
    default java.util.List<String> diagnostics() {
        return java.util.List.of();
    }
}
