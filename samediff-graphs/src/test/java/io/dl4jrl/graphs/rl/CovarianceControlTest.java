package io.dl4jrl.graphs.rl;

import io.dl4jrl.graphs.rl.RlLossesTest.Fixture;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Clip-Cov's and KL-Cov's token selection on hand-computed covariances, and what each does to the loss. */
class CovarianceControlTest {
    // Advantages and log-probs of 4 tokens: mean A = 0.5, mean log π = −1.5.
    // cov = (A − 0.5)(lp + 1.5): (1.5)(1.2) = 1.8, (−1.5)(−0.3) = 0.45, (2.5)(2.5)=6.25, (−2.5)(−3.4) = 8.5
    static final float[][] ADV = {{2f, -1f}, {3f, -2f}};
    static final float[][] LP = {{-0.3f, -1.8f}, {1.0f, -4.9f}};
    static final boolean[] TRAINED = {true, true};

    @Test
    void klCovSelectsTheLargestCovariances() {
        CovarianceControl kl = new CovarianceControl(CovarianceControl.Mode.KL_COV, 0.5, 1, 5, 1.0);
        float[][] s = kl.select(LP, LP, ADV, TRAINED, 0.2, 0.2, new SplittableRandom(1));
        assertArrayEquals(new float[]{0, 0}, s[0], "1.8 and 0.45 are the two smallest");
        assertArrayEquals(new float[]{1, 1}, s[1], "8.5 and 6.25: the top half");
        CovarianceControl one = new CovarianceControl(CovarianceControl.Mode.KL_COV, 1e-4, 1, 5, 1.0);
        float[][] top = one.select(LP, LP, ADV, TRAINED, 0.2, 0.2, new SplittableRandom(1));
        assertArrayEquals(new float[]{0, 1}, top[1], "at least one token: the largest, 8.5");
    }

    @Test
    void clipCovPicksOnlyTokensInsideTheBoundsAndNotClippedAlready() {
        CovarianceControl clip = new CovarianceControl(CovarianceControl.Mode.CLIP_COV, 1.0, 1, 5, 0.1);
        float[][] s = clip.select(LP, LP, ADV, TRAINED, 0.2, 0.2, new SplittableRandom(1));
        assertArrayEquals(new float[]{1, 0}, s[0], "only 1.8 lies in (1, 5)");
        assertArrayEquals(new float[]{0, 0}, s[1]);
        // The same token with ratio e^0.5 and A > 0 is already clipped by PPO: not selected.
        float[][] old = {{-0.8f, -1.8f}, {1.0f, -4.9f}};
        assertArrayEquals(new float[]{0, 0}, clip.select(LP, old, ADV, TRAINED, 0.2, 0.2, new SplittableRandom(1))[0]);
        // A row left out of the loss is never selected.
        assertArrayEquals(new float[]{0, 0}, clip.select(LP, LP, ADV, new boolean[]{false, true}, 0.2, 0.2, new SplittableRandom(1))[0]);
    }

    @Test
    void clipCovDropsTheSelectedTokensGradientAndKlCovAddsTheAbsoluteLogRatio() {
        double l15 = Math.log(1.5);
        Fixture f = new Fixture(new double[][]{{Math.log(1.1), l15}})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{0, 0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{1, -1}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1}})
                .put(CovarianceControl.SELECTED, new double[][]{{1, 0}});
        PpoClipLoss ppo = new PpoClipLoss();
        SDVariable clipCov = new CovarianceControl(CovarianceControl.Mode.CLIP_COV, 2e-4, 1, 5, 0.1).apply(f.in, ppo.perToken(f.in, f.logProbs), f.logProbs);
        assertArrayEquals(new double[]{0, 1.5}, f.evalArray(clipCov).toDoubleVector(), 1e-12, "token 0 selected: its loss is 0");
        LossAggregation.TOKEN_MEAN.aggregate(f.in, clipCov, 0, "loss");
        f.sd.setLossVariables("loss");
        INDArray g = f.sd.calculateGradients(f.feed, "lp").get("lp");
        assertEquals(0.0, g.getDouble(0, 0), 0.0, "no gradient on the selected token");
        assertEquals(1.5 / 2, g.getDouble(0, 1), 1e-9);

        Fixture k = new Fixture(new double[][]{{Math.log(1.1), l15}})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{0, 0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{1, -1}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1}})
                .put(CovarianceControl.SELECTED, new double[][]{{1, 0}});
        SDVariable klCov = new CovarianceControl(CovarianceControl.Mode.KL_COV, 2e-4, 1, 5, 0.5).apply(k.in, new PpoClipLoss().perToken(k.in, k.logProbs), k.logProbs);
        assertArrayEquals(new double[]{-1.1 + 0.5 * Math.log(1.1), 1.5}, k.evalArray(klCov).toDoubleVector(), 1e-12);
        LossAggregation.TOKEN_MEAN.aggregate(k.in, klCov, 0, "loss");
        k.assertGradientsMatch("loss");
        assertThrows(IllegalArgumentException.class, () -> new CovarianceControl(CovarianceControl.Mode.CLIP_COV, 0, 1, 5, 0.1));
        assertEquals(CovarianceControl.Mode.KL_COV, CovarianceControl.Mode.parse("kl-cov"));
    }
}
