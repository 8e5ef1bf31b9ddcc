package io.dl4jrl.rl;

/** Normalises per-token values over all tokens of a batch to mean 0 and (population) std 1. */
final class Whitening {
    private Whitening() {
    }

    static float[][] whiten(float[][] x, double epsilon) {
        double sum = 0;
        long count = 0;
        for (float[] row : x) {
            for (float v : row) {
                sum += v;
                count++;
            }
        }
        return whiten(x, sum, count, epsilon);
    }

    static float[][] whiten(float[][] x, double sum, long count, double epsilon) {
        if (count == 0) {
            return x;
        }
        double mean = sum / count;
        double var = 0;
        for (float[] row : x) {
            for (float v : row) {
                var += (v - mean) * (v - mean);
            }
        }
        double std = Math.sqrt(var / count);
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new float[x[i].length];
            for (int t = 0; t < x[i].length; t++) {
                out[i][t] = (float) ((x[i][t] - mean) / (std + epsilon));
            }
        }
        return out;
    }
}
