package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The shared part of the value and reward heads: a linear map from hidden states to one number per token. */
final class ScalarHeads {
    private ScalarHeads() {
    }

    /** {@code hidden [B, T, width] -> [B, T]} through weight {@code [width, 1]} and bias {@code [1]} named {@code prefix.weight/bias}. */
    static SDVariable perToken(PolicyGraph policy, String prefix, int width, double initStd, long seed) {
        SameDiff sd = policy.sameDiff();
        SDVariable hidden = policy.hiddenVariable();
        DataType dt = hidden.dataType();
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double[] w = new double[width];
        for (int i = 0; i < width; i++) {
            w[i] = initStd * random.nextGaussian();
        }
        SDVariable weight = sd.var(prefix + ".weight", Nd4j.createFromArray(w).reshape(width, 1).castTo(dt));
        SDVariable bias = sd.var(prefix + ".bias", Nd4j.zeros(dt, 1));
        SDVariable batchAndTime = sd.slice(sd.shape(hidden).castTo(DataType.INT64), new int[]{0}, 2);
        SDVariable flat = sd.reshape(hidden, -1, width);                  // [B*T, width]
        SDVariable scores = sd.mmul(flat, weight).add(bias);              // [B*T, 1]
        return sd.reshape(scores, batchAndTime);                         // [B, T]
    }
}
