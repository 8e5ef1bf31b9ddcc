package io.dl4jrl.graphs.pref;

import io.dl4jrl.graphs.GradientCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** KTO's loss on hand-computed cases, its gradient against finite differences, and the reference point z0. */
class KtoLossTest {
    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void referencePointIsTheClampedMeanLogRatioOfTheMismatchedPairs() {
        assertEquals(0.2, KtoLoss.referencePoint(new double[]{0.3, 0.1}, new double[]{0, 0}), 1e-12);
        assertEquals(0.0, KtoLoss.referencePoint(new double[]{-0.3, -0.5}, new double[]{0, 0}), 0.0, "never negative");
        assertEquals(0.5, KtoLoss.referencePoint(new double[]{-1, -2}, new double[]{-1.5, -2.5}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> KtoLoss.referencePoint(new double[0], new double[0]));
    }

    @Test
    void lossRewardsAndGradientHandComputed() {
        // A desirable example with log-ratio 0.5 and an undesirable one with −0.2 (one token each, then padding; reference 0),
        // z0 = 0.2. (Two columns: M2.1's sum over a dimension of size 1 fails with an NPE in BaseReduceOp.noOp.)
        SameDiff sd = SameDiff.create();
        SDVariable tokens = sd.var("lp", Nd4j.createFromArray(new double[][]{{0.5, 0.9}, {-0.2, 0.4}}));
        new KtoLoss(0.5, 1.0, 2.0).attach(sd, tokens);
        Map<String, INDArray> feed = Map.of(KtoLoss.RESPONSE_MASK, Nd4j.createFromArray(new double[][]{{1, 0}, {1, 0}}),
                KtoLoss.REF_LOGPS, Nd4j.createFromArray(new double[]{0, 0}),
                KtoLoss.LABELS, Nd4j.createFromArray(new double[]{1, 0}),
                KtoLoss.REFERENCE_POINT, Nd4j.createFromArray(new double[]{0.2}));
        Map<String, INDArray> out = sd.output(feed, KtoLoss.LOSS, KtoLoss.REWARD_DESIRABLE, KtoLoss.REWARD_UNDESIRABLE);
        double s1 = sigmoid(-0.5 * (0.5 - 0.2));
        double s2 = sigmoid(-0.5 * (0.2 + 0.2));
        assertEquals((s1 + 2.0 * s2) / 2, out.get(KtoLoss.LOSS).getDouble(0), 1e-12);
        assertEquals(0.25, out.get(KtoLoss.REWARD_DESIRABLE).getDouble(0), 1e-12);
        assertEquals(-0.1, out.get(KtoLoss.REWARD_UNDESIRABLE).getDouble(0), 1e-12);
        sd.setLossVariables(KtoLoss.LOSS);
        INDArray g = sd.calculateGradients(feed, "lp").get("lp");
        // A desirable example's loss falls as its reward rises, an undesirable one's rises.
        assertArrayEquals(new double[]{-0.5 * s1 * (1 - s1) / 2, 0, 2.0 * 0.5 * s2 * (1 - s2) / 2, 0}, g.reshape(4).toDoubleVector(), 1e-9,
                "padding gets no gradient");
        GradientCheck.Result r = GradientCheck.check(sd, feed, 10, 1e-6, 1e-10, 1);
        assertTrue(r.passed(1e-5), "worst: " + r.worst());
        assertThrows(IllegalArgumentException.class, () -> new KtoLoss(0, 1, 1));
    }
}
