package io.dl4jrl.graphs.rl;

import io.dl4jrl.graphs.GradientCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Every loss piece on hand-computed cases, and its gradient against finite differences. */
class RlLossesTest {

    static INDArray m(double[][] rows) {
        return Nd4j.createFromArray(rows);
    }

    /** A graph whose "policy log-probs" are a trainable variable, so gradients are taken w.r.t. them. */
    static final class Fixture {
        final SameDiff sd = SameDiff.create();
        final RlInputs in = new RlInputs(sd, DataType.DOUBLE);
        final SDVariable logProbs;
        final Map<String, INDArray> feed = new HashMap<>();

        Fixture(double[][] lp) {
            logProbs = sd.var("lp", m(lp));
        }

        Fixture put(String name, double[][] v) {
            in.get(name);
            feed.put(name, m(v));
            return this;
        }

        double eval(String name) {
            return sd.output(feed, name).get(name).getDouble(0);
        }

        INDArray evalArray(SDVariable v) {
            return sd.output(feed, v.name()).get(v.name());
        }

        void assertGradientsMatch(String loss) {
            sd.setLossVariables(loss);
            GradientCheck.Result r = GradientCheck.check(sd, feed, 100, 1e-6, 1e-10, 1);
            assertTrue(r.passed(1e-5), "worst: " + r.worst());
        }
    }

    @Test
    void ppoClipHandComputed() {
        double l15 = Math.log(1.5), l05 = Math.log(0.5);
        // ratios 1.5, 0.5, 1.5, 0.5 ; advantages +1, +1, -1, -1 ; old log-probs 0
        Fixture f = new Fixture(new double[][]{{l15, l05, l15, l05}})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{0, 0, 0, 0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{1, 1, -1, -1}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1, 1, 1}});
        SDVariable perToken = new PpoClipLoss().perToken(f.in, f.logProbs);
        assertArrayEquals(new double[]{-1.2, -0.5, 1.5, 0.8}, f.evalArray(perToken).toDoubleVector(), 1e-12);
        assertEquals(0.5, f.eval(PpoClipLoss.CLIP_FRACTION), 1e-12, "clipped at tokens 1 and 4");
        double k3a = 0.5 - l15, k3b = -0.5 - l05;
        assertEquals((2 * k3a + 2 * k3b) / 4, f.eval(PpoClipLoss.APPROX_KL), 1e-12);
        LossAggregation.TOKEN_MEAN.aggregate(f.in, perToken, 0, "loss");
        assertEquals((-1.2 - 0.5 + 1.5 + 0.8) / 4, f.eval("loss"), 1e-12);
        f.assertGradientsMatch("loss");
    }

    @Test
    void ppoGradientInsideTheClipRangeIsNotDoubled() {
        // ratio 1.1 (inside [0.8, 1.2]): both surrogate terms equal 1.1*A; dL/dlogp = -ratio*A exactly once.
        Fixture f = new Fixture(new double[][]{{Math.log(1.1), Math.log(0.9)}})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{0, 0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{1, -2}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1}});
        SDVariable perToken = new PpoClipLoss().perToken(f.in, f.logProbs);
        LossAggregation.SEQ_MEAN_TOKEN_SUM.aggregate(f.in, perToken, 0, "loss");
        f.sd.setLossVariables("loss");
        INDArray g = f.sd.calculateGradients(f.feed, "lp").get("lp");
        assertArrayEquals(new double[]{-1.1, 1.8}, g.toDoubleVector(), 1e-9);
        assertEquals(0.0, f.eval(PpoClipLoss.CLIP_FRACTION), 1e-12);
        f.assertGradientsMatch("loss");
    }

    @Test
    void dualClipCapsNegativeAdvantageTokens() {
        double l5 = Math.log(5);
        Fixture f = new Fixture(new double[][]{{l5, l5}})
                .put(RlInputs.OLD_LOGPROBS, new double[][]{{0, 0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{-1, 1}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1}});
        SDVariable perToken = new PpoClipLoss(0.2, 3.0).perToken(f.in, f.logProbs);
        // A=-1: plain PPO gives 5, dual clip caps it at -c*A = 3. A=+1: clipped to -1.2, untouched.
        assertArrayEquals(new double[]{3.0, -1.2}, f.evalArray(perToken).toDoubleVector(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new PpoClipLoss(0.2, 0.5));
    }

    @Test
    void vanillaPolicyGradientIsMinusAdvantageTimesLogProb() {
        Fixture f = new Fixture(new double[][]{{-0.5, -2.0}})
                .put(RlInputs.ADVANTAGES, new double[][]{{2, -1}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1}});
        SDVariable perToken = new VanillaPolicyGradientLoss().perToken(f.in, f.logProbs);
        assertArrayEquals(new double[]{1.0, -2.0}, f.evalArray(perToken).toDoubleVector(), 1e-12);
        LossAggregation.TOKEN_MEAN.aggregate(f.in, perToken, 0, "loss");
        f.assertGradientsMatch("loss");
    }

    @Test
    void aggregationModesHandComputedWithPadding() {
        // Per-token losses (as log-probs, identity loss) with a padded second sequence.
        double[][] l = {{1, 2, 3}, {4, 100, 100}};
        double[][] mask = {{1, 1, 1}, {1, 0, 0}};
        Fixture f = new Fixture(l).put(RlInputs.RESPONSE_MASK, mask);
        LossAggregation.TOKEN_MEAN.aggregate(f.in, f.logProbs, 0, "tm");
        LossAggregation.SEQ_MEAN_TOKEN_SUM.aggregate(f.in, f.logProbs, 0, "smts");
        LossAggregation.SEQ_MEAN_TOKEN_MEAN.aggregate(f.in, f.logProbs, 0, "smtm");
        LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM.aggregate(f.in, f.logProbs, 5, "norm");
        assertEquals(10.0 / 4, f.eval("tm"), 1e-12);
        assertEquals((6.0 + 4.0) / 2, f.eval("smts"), 1e-12);
        assertEquals((2.0 + 4.0) / 2, f.eval("smtm"), 1e-12);
        assertEquals(10.0 / (2 * 5), f.eval("norm"), 1e-12);
        assertEquals(LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM, LossAggregation.parse("seq-mean-token-sum-norm"));
        assertThrows(IllegalArgumentException.class, () -> LossAggregation.parse("mean"));
        f.assertGradientsMatch("smtm");
    }

    @Test
    void emptyResponsesDoNotDivideByZero() {
        Fixture f = new Fixture(new double[][]{{1, 2}}).put(RlInputs.RESPONSE_MASK, new double[][]{{0, 0}});
        LossAggregation.TOKEN_MEAN.aggregate(f.in, f.logProbs, 0, "tm");
        LossAggregation.SEQ_MEAN_TOKEN_MEAN.aggregate(f.in, f.logProbs, 0, "smtm");
        assertEquals(0.0, f.eval("tm"));
        assertEquals(0.0, f.eval("smtm"));
    }

    @Test
    void klEstimatorsMatchTheWorkedNumbers() {
        // docs/algorithms.md: log pi = -1.0, log pi_ref = -1.5 -> k1 0.5, k2 0.125, k3 0.106531
        double[] expected = {0.5, 0.125, 0.106531};
        for (KlEstimator k : KlEstimator.values()) {
            Fixture f = new Fixture(new double[][]{{-1.0, -0.3}})
                    .put(RlInputs.REF_LOGPROBS, new double[][]{{-1.5, -0.3}})
                    .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1}});
            SDVariable kl = k.perToken(f.sd, f.logProbs, f.in.refLogProbs());
            INDArray v = f.evalArray(kl);
            assertEquals(expected[k.ordinal()], v.getDouble(0, 0), 1e-6, k.name());
            assertEquals(0.0, v.getDouble(0, 1), 1e-12, k.name() + " of equal policies");
            assertEquals(expected[k.ordinal()], k.value(-1.0, -1.5), 1e-6);
            LossAggregation.TOKEN_MEAN.aggregate(f.in, kl, 0, "kl");
            f.assertGradientsMatch("kl");
        }
        assertEquals(KlEstimator.K3, KlEstimator.parse("k3"));
    }

    @Test
    void entropyOfUniformAndPeakedDistributions() {
        SameDiff sd = SameDiff.create();
        double big = 50;
        SDVariable logits = sd.var("logits", Nd4j.createFromArray(new double[][][]{{{0, 0, 0, 0}, {big, 0, 0, 0}}}));
        SDVariable h = EntropyBonus.perToken(sd, logits, 1.0);
        INDArray v = sd.output(Map.of(), h.name()).get(h.name());
        assertEquals(Math.log(4), v.getDouble(0, 0), 1e-12);
        assertEquals(0.0, v.getDouble(0, 1), 1e-12);
        SDVariable hot = EntropyBonus.perToken(sd, logits, 1e6);
        assertEquals(Math.log(4), sd.output(Map.of(), hot.name()).get(hot.name()).getDouble(0, 1), 1e-4, "high temperature flattens");
        SDVariable loss = h.sum();
        sd.setLossVariables(loss);
        sd.getArrForVarName("logits").assign(Nd4j.createFromArray(new double[][][]{{{0.3, -1, 2, 0}, {1, 0, 0.5, 0}}}));
        assertTrue(GradientCheck.check(sd, Map.of(), 10, 1e-6, 1e-10, 1).passed(1e-5));
    }

    @Test
    void clippedValueLossHandComputed() {
        // V = 2 (new), V_old = 1, R = 3, eps 0.5: unclipped (2-3)^2 = 1; clipped V' = 1.5, (1.5-3)^2 = 2.25; max -> 2.25 / 2
        // V = 2.2, V_old = 2, R = 0: unclipped 4.84; clipped V' = 2.2 (inside), same; -> 2.42
        Fixture f = new Fixture(new double[][]{{2, 2.2}})
                .put(RlInputs.RETURNS, new double[][]{{3, 0}})
                .put(RlInputs.OLD_VALUES, new double[][]{{1, 2}})
                .put(RlInputs.RESPONSE_MASK, new double[][]{{1, 1}});
        SDVariable clipped = ValueLoss.perToken(f.in, f.logProbs, 0.5);
        assertArrayEquals(new double[]{1.125, 2.42}, f.evalArray(clipped).toDoubleVector(), 1e-12);
        SDVariable plain = ValueLoss.perToken(f.in, f.logProbs, 0);
        assertArrayEquals(new double[]{0.5, 2.42}, f.evalArray(plain).toDoubleVector(), 1e-12);
        LossAggregation.TOKEN_MEAN.aggregate(f.in, clipped, 0, "vl");
        f.assertGradientsMatch("vl");
    }
}
