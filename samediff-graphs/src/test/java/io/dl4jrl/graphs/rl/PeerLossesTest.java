package io.dl4jrl.graphs.rl;

import io.dl4jrl.graphs.rl.RlLossesTest.Fixture;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.*;

/** DAPO's clip-higher, GSPO and CISPO on hand-computed cases, with their gradients (docs/algorithms.md). */
class PeerLossesTest {

    @Test
    void clipHigherDecouplesTheBounds() {
        // ε_low 0.2, ε_high 0.28. Ratios 1.25 (A+1, inside the higher bound), 1.5 (A+1, clipped at 1.28),
        // 0.7 (A-1, clipped at 0.8), 0.85 (A-1, inside).
        double[] r = {1.25, 1.5, 0.7, 0.85};
        Fixture f = new Fixture(new double[][]{{Math.log(r[0]), Math.log(r[1]), Math.log(r[2]), Math.log(r[3])}})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{0, 0, 0, 0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{1, 1, -1, -1}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1, 1, 1}});
        SDVariable perToken = new PpoClipLoss(0.2, 0.28, 0).perToken(f.in, f.logProbs);
        assertArrayEquals(new double[]{-1.25, -1.28, 0.8, 0.85}, f.evalArray(perToken).toDoubleVector(), 1e-12);
        assertEquals(0.5, f.eval(PpoClipLoss.CLIP_FRACTION), 1e-12);
        LossAggregation.TOKEN_MEAN.aggregate(f.in, perToken, 0, "loss");
        f.sd.setLossVariables("loss");
        // Unclipped tokens: dL/dlogp = −ρA/N; clipped ones: 0.
        INDArray g = f.sd.calculateGradients(f.feed, "lp").get("lp");
        assertArrayEquals(new double[]{-1.25 / 4, 0, 0, 0.85 / 4}, g.toDoubleVector(), 1e-9);
        f.assertGradientsMatch("loss");
        // The symmetric constructor keeps PPO's range.
        assertEquals(new PpoClipLoss(0.2, 0.2, 0), new PpoClipLoss(0.2, 0));
    }

    @Test
    void gspoClipsWholeSequencesByTheirLengthNormalisedRatio() {
        // Sequence 1: token log-ratios ln 1.44 and 0 → s = exp(ln 1.44 / 2) = 1.2; A = +1 → clipped at 1.1: loss −1.1.
        // Sequence 2: one token (the second is padding), log-ratio ln 0.95 → s = 0.95; A = −1, inside [0.9, 1.1]: loss 0.95.
        Fixture f = new Fixture(new double[][]{{Math.log(1.44), 0}, {Math.log(0.95), 0.3}})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{0, 0}, {0, 0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{1, 1}, {-1, -1}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1}, {1, 0}});
        GspoLoss gspo = new GspoLoss(0.1, 0.1);
        SDVariable perToken = gspo.perToken(f.in, f.logProbs);
        INDArray values = f.evalArray(perToken);
        assertArrayEquals(new double[]{-1.1, -1.1}, values.getRow(0).toDoubleVector(), 1e-12, "every token carries its sequence's loss");
        assertEquals(0.95, values.getDouble(1, 0), 1e-12);
        assertEquals(0.5, f.eval(GspoLoss.CLIP_FRACTION), 1e-12, "one sequence of two clipped");
        assertEquals((1.2 + 0.95) / 2, f.eval(GspoLoss.RATIO_MEAN), 1e-12);
        assertEquals(LossAggregation.SEQ_MEAN_TOKEN_MEAN, gspo.requiredAggregation().orElseThrow());
        LossAggregation.SEQ_MEAN_TOKEN_MEAN.aggregate(f.in, perToken, 0, "loss");
        assertEquals((-1.1 + 0.95) / 2, f.eval("loss"), 1e-12, "the mean over sequences of the sequence losses");
        f.sd.setLossVariables("loss");
        // Sequence 1 is clipped (no gradient); sequence 2: d/dlogp_0 of s·1/2 = s/|y|/2 = 0.475; padding gets none.
        INDArray g = f.sd.calculateGradients(f.feed, "lp").get("lp");
        assertArrayEquals(new double[]{0, 0, 0.475, 0}, g.reshape(4).toDoubleVector(), 1e-9);
        f.assertGradientsMatch("loss");
    }

    @Test
    void gspoGradientIsTheSequenceRatioTimesTheMeanTokenScore() {
        // Unclipped (wide bounds): L_i = −s_i·A_i, dL_i/dlogp_t = −s_i·A_i/|y_i| for each of its tokens (GSPO eq. 7).
        double a = 0.1, b = -0.3;
        Fixture f = new Fixture(new double[][]{{a, b, 0.7}})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{0, 0, 0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{2, 2, 2}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1, 0}});
        SDVariable perToken = new GspoLoss(0.5, 0.5).perToken(f.in, f.logProbs);
        LossAggregation.SEQ_MEAN_TOKEN_MEAN.aggregate(f.in, perToken, 0, "loss");
        double s = Math.exp((a + b) / 2);
        assertEquals(-2 * s, f.eval("loss"), 1e-12);
        f.sd.setLossVariables("loss");
        INDArray g = f.sd.calculateGradients(f.feed, "lp").get("lp");
        assertArrayEquals(new double[]{-2 * s / 2, -2 * s / 2, 0}, g.toDoubleVector(), 1e-9);
        f.assertGradientsMatch("loss");
    }

    @Test
    void gspoSequenceRatioIsClampedBeforeExp() {
        // A sequence log-ratio of 90 would overflow exp in float32; clamped at 20 the loss is the clipped −(1+ε)A.
        Fixture f = new Fixture(new double[][]{{90, 90}})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{0, 0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{1, 1}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1}});
        SDVariable perToken = new GspoLoss().perToken(f.in, f.logProbs);
        assertArrayEquals(new double[]{-(1 + 4e-4), -(1 + 4e-4)}, f.evalArray(perToken).toDoubleVector(), 1e-12);
    }

    @Test
    void cispoWeightsEveryTokensReinforceGradientByItsClippedRatio() {
        // ε_low 1 (no lower bound), ε_high 2 (weights at most 3). Ratios 1.5, 4 (capped at 3), 0.5; advantages +1, +1, −1.
        double[] lp = {Math.log(0.3), Math.log(0.8), Math.log(0.1)};
        double[] ratio = {1.5, 4.0, 0.5};
        double[] adv = {1, 1, -1};
        double[] w = {1.5, 3.0, 0.5};
        Fixture f = new Fixture(new double[][]{lp})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{lp[0] - Math.log(ratio[0]), lp[1] - Math.log(ratio[1]), lp[2] - Math.log(ratio[2])}})
                .put(RlInputs.ADVANTAGES, new double[][]{adv})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1, 1}});
        CispoLoss cispo = new CispoLoss();
        SDVariable perToken = cispo.perToken(f.in, f.logProbs);
        double[] expected = new double[3];
        for (int t = 0; t < 3; t++) {
            expected[t] = -w[t] * adv[t] * lp[t];
        }
        assertArrayEquals(expected, f.evalArray(perToken).toDoubleVector(), 1e-12);
        assertEquals(1.0 / 3, f.eval(CispoLoss.CLIP_FRACTION), 1e-12, "the ratio-4 token was capped");
        LossAggregation.TOKEN_MEAN.aggregate(f.in, perToken, 0, "loss");
        f.sd.setLossVariables("loss");
        // The weight is held constant: dL/dlogp_t = −w_t·A_t/N for every token, the capped one included (PPO would give 0 there).
        INDArray g = f.sd.calculateGradients(f.feed, "lp").get("lp");
        assertArrayEquals(new double[]{-1.5 / 3, -3.0 / 3, 0.5 / 3}, g.toDoubleVector(), 1e-9);

        // Finite differences of the same loss with the weights fed as constants (the off-policy correction's path).
        Fixture fixed = new Fixture(new double[][]{lp})
                .put(RlInputs.ADVANTAGES, new double[][]{adv})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1, 1}})
                .put(RlInputs.IS_WEIGHTS, new double[][]{w});
        SDVariable weighted = new VanillaPolicyGradientLoss().perToken(fixed.in, fixed.logProbs).mul(fixed.in.importanceWeights());
        LossAggregation.TOKEN_MEAN.aggregate(fixed.in, weighted, 0, "loss");
        assertEquals(f.eval("loss"), fixed.eval("loss"), 1e-12);
        fixed.assertGradientsMatch("loss");
        fixed.sd.setLossVariables("loss");
        assertArrayEquals(g.toDoubleVector(), fixed.sd.calculateGradients(fixed.feed, "lp").get("lp").toDoubleVector(), 1e-12);
    }

    @Test
    void cispoWithALowerBoundCapsSmallRatiosToo() {
        Fixture f = new Fixture(new double[][]{{Math.log(0.5)}})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{1}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1}});
        SDVariable perToken = new CispoLoss(0.2, 0.28).perToken(f.in, f.logProbs);
        assertEquals(-0.8 * Math.log(0.5), f.evalArray(perToken).getDouble(0), 1e-12);
        assertEquals(1.0, f.eval(CispoLoss.CLIP_FRACTION), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new CispoLoss(0, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new GspoLoss(1.5, 0.2));
    }
}
