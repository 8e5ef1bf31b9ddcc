package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A critic on the policy's hidden states: one value estimate per token, {@code V_t = h_t · w + b},
 * output variable {@value #VALUES} of shape {@code [batch, time]}. PPO's value loss attaches to it.
 * Weights {@code value_head.weight} / {@code value_head.bias} train with the rest of the graph.
 */
public final class ValueHead {
    public static final String VALUES = "values";
    public static final String WEIGHT = "value_head.weight";
    public static final String BIAS = "value_head.bias";

    private ValueHead() {
    }

    /** @param width width of the hidden states (d_model) */
    public static SDVariable attach(PolicyGraph policy, int width) {
        SDVariable v = ScalarHeads.perToken(policy, "value_head", width, 0.02, 17);
        return policy.sameDiff().identity(VALUES, v);
    }
}
