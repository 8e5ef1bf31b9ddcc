package io.dl4jrl.policy;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A session without a KV cache: every step runs a fresh prefill over each sequence's whole prefix.
 * Quadratic in length; exists to measure what the cache saves and as a reference in tests.
 */
final class RecomputingSession implements DecodeSession {
    private final Supplier<DecodeSession> fresh;
    private int[][] sequences;

    RecomputingSession(Supplier<DecodeSession> fresh, int batchSize) {
        this.fresh = fresh;
        this.sequences = new int[batchSize][0];
    }

    @Override
    public INDArray prefill(int[][] prompts) {
        sequences = new int[prompts.length][];
        for (int i = 0; i < prompts.length; i++) {
            sequences[i] = prompts[i].clone();
        }
        return recompute();
    }

    @Override
    public INDArray step(int[] tokens) {
        appendColumn(sequences, tokens);
        return recompute();
    }

    /** The whole sequences through a fresh session, closed right after. */
    private INDArray recompute() {
        try (DecodeSession s = fresh.get()) {
            return s.prefill(sequences);
        }
    }

    /** Appends {@code tokens[i]} to {@code sequences[i]} unless it is {@link #STOPPED} (sessions that keep whole prefixes). */
    static void appendColumn(int[][] sequences, int[] tokens) {
        for (int i = 0; i < sequences.length; i++) {
            if (tokens[i] == STOPPED) {
                continue;
            }
            int[] s = Arrays.copyOf(sequences[i], sequences[i].length + 1);
            s[s.length - 1] = tokens[i];
            sequences[i] = s;
        }
    }
}
