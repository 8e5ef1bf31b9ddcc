package io.dl4jrl.policy;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Incremental decoding of a batch: {@link #prefill} the prompts, then {@link #step} one token per sequence.
 * Each call returns the next-token logits {@code [batch, vocab]} at every sequence's last position.
 * Sequences have their own lengths; a session is used by one thread.
 *
 * <p>The returned logits belong to the caller, who closes them when read; {@link #close} frees the session's own
 * native memory (its key/value caches). Why explicitly: a GRPO iteration at GPT-2-small opens sessions holding
 * 0.7 GB of caches and returns 13 MB of logits per step, and waiting for the collector to free them left several
 * GB of native memory allocated (docs/performance.md, "Real-size models").
 */
public interface DecodeSession extends AutoCloseable {

    /**
     * Token for a sequence the caller has stopped (end of sequence or its own budget reached) while others go on:
     * the sequence does not grow, and its logits row is meaningless.
     */
    int STOPPED = -1;

    INDArray prefill(int[][] prompts);

    /** One token per sequence, or {@link #STOPPED}. */
    INDArray step(int[] tokens);

    /** Frees the session's native memory; the session is unusable afterwards. */
    @Override
    default void close() {
    }
}
