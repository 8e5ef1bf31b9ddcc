package io.dl4jrl.sampling;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sampled responses, row i answering prompt i.
 *
 * @param prompts   the prompt token ids
 * @param responses response token ids, each of its own length (an end-of-sequence token, if emitted, is last)
 * @param logProbs  the sampling policy's log-probability of each response token (logits divided by the
 *                  temperature, before top-k/top-p truncation, as verl and TRL record them); greedy
 *                  decoding records temperature-1 log-probs
 * @param finished  true where the response ended by end-of-sequence or a stop string, false where it was
 *                  cut off by the token limit
 */
public record SampleBatch(int[][] prompts, int[][] responses, float[][] logProbs, boolean[] finished) {

    public int size() {
        return responses.length;
    }

    /** The given rows, in the given order. */
    public SampleBatch rows(int[] rows) {
        int[][] p = new int[rows.length][];
        int[][] r = new int[rows.length][];
        float[][] l = new float[rows.length][];
        boolean[] f = new boolean[rows.length];
        for (int k = 0; k < rows.length; k++) {
            p[k] = prompts[rows[k]];
            r[k] = responses[rows[k]];
            l[k] = logProbs[rows[k]];
            f[k] = finished[rows[k]];
        }
        return new SampleBatch(p, r, l, f);
    }

    /** The batches' rows one after the other. */
    public static SampleBatch concat(java.util.List<SampleBatch> batches) {
        int n = batches.stream().mapToInt(SampleBatch::size).sum();
        int[][] p = new int[n][];
        int[][] r = new int[n][];
        float[][] l = new float[n][];
        boolean[] f = new boolean[n];
        int at = 0;
        for (SampleBatch b : batches) {
            System.arraycopy(b.prompts, 0, p, at, b.size());
            System.arraycopy(b.responses, 0, r, at, b.size());
            System.arraycopy(b.logProbs, 0, l, at, b.size());
            System.arraycopy(b.finished, 0, f, at, b.size());
            at += b.size();
        }
        return new SampleBatch(p, r, l, f);
    }

    public int length(int i) {
        return responses[i].length;
    }

    public int maxResponseLength() {
        int m = 0;
        for (int[] r : responses) {
            m = Math.max(m, r.length);
        }
        return m;
    }

    public long totalResponseTokens() {
        long n = 0;
        for (int[] r : responses) {
            n += r.length;
        }
        return n;
    }

    /** 1 on response tokens, 0 on padding: {@code [size, maxResponseLength]}. */
    public INDArray responseMask() {
        int width = Math.max(1, maxResponseLength());
        float[][] m = new float[size()][width];
        for (int i = 0; i < size(); i++) {
            for (int t = 0; t < responses[i].length; t++) {
                m[i][t] = 1f;
            }
        }
        return Nd4j.createFromArray(m);
    }

    /** Log-probs right-padded with 0: {@code [size, maxResponseLength]}. */
    public INDArray logProbMatrix() {
        int width = Math.max(1, maxResponseLength());
        float[][] m = new float[size()][width];
        for (int i = 0; i < size(); i++) {
            System.arraycopy(logProbs[i], 0, m[i], 0, logProbs[i].length);
        }
        return Nd4j.createFromArray(m).castTo(DataType.FLOAT);
    }
}
