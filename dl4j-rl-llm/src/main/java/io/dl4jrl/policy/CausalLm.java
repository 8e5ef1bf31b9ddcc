package io.dl4jrl.policy;

import io.dl4jrl.graphs.PolicyGraph;

/**
 * A causal language model as the sampler and trainers see it: a SameDiff graph meeting the
 * {@link PolicyGraph} contract (for training and scoring) and a way to decode token by token.
 */
public interface CausalLm {

    PolicyGraph graph();

    int vocabSize();

    /** Longest prompt + response the model accepts. */
    int contextLength();

    /**
     * Opens a decoding session for {@code batchSize} sequences of at most {@code capacity} tokens each.
     * With {@code useKvCache} false every step recomputes the whole prefix (for comparisons and benchmarks).
     */
    DecodeSession openSession(int batchSize, int capacity, boolean useKvCache);
}
