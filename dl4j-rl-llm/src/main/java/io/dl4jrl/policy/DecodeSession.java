package io.dl4jrl.policy;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Incremental decoding of a batch: {@link #prefill} the prompts, then {@link #step} one token per sequence.
 * Each call returns the next-token logits {@code [batch, vocab]} at every sequence's last position.
 * Sequences have their own lengths; a session is used by one thread.
 */
public interface DecodeSession {

    /**
     * Token for a sequence the caller has stopped (end of sequence or its own budget reached) while others go on:
     * the sequence does not grow, and its logits row is meaningless.
     */
    int STOPPED = -1;

    INDArray prefill(int[][] prompts);

    /** One token per sequence, or {@link #STOPPED}. */
    INDArray step(int[] tokens);
}
