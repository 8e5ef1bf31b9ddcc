package io.dl4jrl.rl;

/**
 * Per-token advantages (and, for estimators with a critic, per-token returns as value targets), row i of
 * length {@code lengths[i]}.
 */
public record Advantages(float[][] perToken, float[][] returns) {

    /** Every token of response i gets {@code perResponse[i]}. */
    static Advantages broadcast(double[] perResponse, int[] lengths) {
        float[][] a = new float[lengths.length][];
        for (int i = 0; i < lengths.length; i++) {
            a[i] = new float[lengths[i]];
            java.util.Arrays.fill(a[i], (float) perResponse[i]);
        }
        return new Advantages(a, null);
    }
}
