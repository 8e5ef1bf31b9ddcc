package io.dl4jrl.graphs;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rotary position embedding tables (Su et al., 2021) in Hugging Face Llama's "rotate half" convention: for head
 * dimension hd, frequency i = θ^(−2i/hd), i < hd/2, and position p, angle(p, j) = p · frequency(j mod hd/2); a
 * vector x becomes x·cos + rotate_half(x)·sin with rotate_half(x) = [−x₂, x₁] for halves x₁, x₂.
 */
public final class Rope {
    private Rope() {
    }

    /** cos and sin tables, each [positions, hd]. */
    public static INDArray[] tables(int positions, int hd, double theta, DataType type) {
        return tables(positions, hd, theta, null, type);
    }

    /** cos and sin tables, each [positions, hd], with frequencies scaled by {@code scaling} when not {@code null}. */
    public static INDArray[] tables(int positions, int hd, double theta, RopeScaling scaling, DataType type) {
        double[][] cos = new double[positions][hd];
        double[][] sin = new double[positions][hd];
        int half = hd / 2;
        for (int i = 0; i < half; i++) {
            double freq = 1.0 / Math.pow(theta, (2.0 * i) / hd);
            if (scaling != null) {
                freq = scaling.scale(freq);
            }
            for (int p = 0; p < positions; p++) {
                double a = p * freq;
                cos[p][i] = cos[p][i + half] = Math.cos(a);
                sin[p][i] = sin[p][i + half] = Math.sin(a);
            }
        }
        return new INDArray[]{Nd4j.createFromArray(cos).castTo(type), Nd4j.createFromArray(sin).castTo(type)};
    }

    /**
     * The [hd, hd] matrix R with x·R = rotate_half(x) for row vectors x, so the rotation is two products and a sum
     * in SameDiff and in the decoder alike.
     */
    public static INDArray rotateHalfMatrix(int hd, DataType type) {
        int half = hd / 2;
        double[][] r = new double[hd][hd];
        for (int i = 0; i < half; i++) {
            r[i + half][i] = -1; // output i (first half) = -x[i + half]
            r[i][i + half] = 1;  // output i + half = x[i]
        }
        return Nd4j.createFromArray(r).castTo(type);
    }
}
