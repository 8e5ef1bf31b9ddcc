package io.dl4jrl.policy;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Incremental decoding of a batch: {@link #prefill} the prompts, then {@link #step} one token per sequence.
 * Each call returns the next-token logits {@code [batch, vocab]} at every sequence's last position.
 * Sequences have their own lengths; a session is used by one thread.
 */
public interface DecodeSession {

    INDArray prefill(int[][] prompts);

    INDArray step(int[] tokens);
}
