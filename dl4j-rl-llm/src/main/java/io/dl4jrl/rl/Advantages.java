package io.dl4jrl.rl;

import java.util.Map;

/**
 * Per-token advantages (and, for estimators with a critic, per-token returns as value targets), row i of
 * length {@code lengths[i]}; {@code metrics} are the estimator's own figures for the iteration's log (VinePPO's
 * rollout counts and time), empty for most.
 */
public record Advantages(float[][] perToken, float[][] returns, Map<String, Double> metrics) {

    public Advantages {
        metrics = Map.copyOf(metrics);
    }

    public Advantages(float[][] perToken, float[][] returns) {
        this(perToken, returns, Map.of());
    }

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
