package io.dl4jrl.graphs.rl;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * PPO-clip and dual-clip values and gradients in float32 at extreme ratios e^±L: exact (the clipped value is not lost
 * beside a huge unclipped one), finite beyond exp's overflow (the log-ratio is clamped to ±20), gradient once.
 * Tokens: (ρ = e^L, A = +1), (e^L, −1), (e^−L, +1), (e^−L, −1).
 */
class PpoExtremeRatioTest {

    record Result(float[] perToken, float[] gradient, double loss) {
    }

    static Result run(double logRatio, double dualClip) {
        SameDiff sd = SameDiff.create();
        RlInputs in = new RlInputs(sd, DataType.FLOAT);
        float l = (float) logRatio;
        SDVariable lp = sd.var("lp", Nd4j.createFromArray(new float[][]{{l, l, -l, -l}}));
        Map<String, INDArray> feed = new HashMap<>();
        in.get(RlInputs.OLD_LOGPROBS);
        in.get(RlInputs.ADVANTAGES);
        in.get(RlInputs.RESPONSE_MASK);
        feed.put(RlInputs.OLD_LOGPROBS, Nd4j.zeros(DataType.FLOAT, 1, 4));
        feed.put(RlInputs.ADVANTAGES, Nd4j.createFromArray(new float[][]{{1, -1, 1, -1}}));
        feed.put(RlInputs.RESPONSE_MASK, Nd4j.ones(DataType.FLOAT, 1, 4));
        SDVariable perToken = new PpoClipLoss(0.2, dualClip).perToken(in, lp);
        LossAggregation.SEQ_MEAN_TOKEN_SUM.aggregate(in, perToken, 0, "loss"); // one sequence: the sum of its tokens
        sd.setLossVariables("loss");
        Map<String, INDArray> out = sd.output(feed, perToken.name(), "loss");
        INDArray g = sd.calculateGradients(feed, "lp").get("lp");
        return new Result(out.get(perToken.name()).toFloatVector(), g.toFloatVector(), out.get("loss").getDouble(0));
    }

    static void close(double expected, float actual, String what) {
        assertTrue(Float.isFinite(actual), what + " is " + actual);
        assertEquals(expected, actual, Math.max(1e-6, 2e-6 * Math.abs(expected)), what);
    }

    @ParameterizedTest
    @ValueSource(doubles = {9, 14, 20, 90})
    void valuesAreExact(double logRatio) {
        double c = Math.min(logRatio, PpoClipLoss.MAX_LOG_RATIO);
        double big = Math.exp(c), small = Math.exp(-c);
        Result r = run(logRatio, 0);
        close(-1.2, r.perToken()[0], "ρ = e^" + logRatio + ", A = +1: −(1+ε)A");
        close(big, r.perToken()[1], "ρ = e^" + logRatio + ", A = −1: −ρA");
        close(-small, r.perToken()[2], "ρ = e^−" + logRatio + ", A = +1: −ρA");
        close(0.8, r.perToken()[3], "ρ = e^−" + logRatio + ", A = −1: −(1−ε)A");
        assertTrue(Double.isFinite(r.loss()), "loss " + r.loss());
        Result dual = run(logRatio, 3.0);
        close(3.0, dual.perToken()[1], "dual clip caps A = −1 at −cA");
        close(-1.2, dual.perToken()[0], "dual clip leaves A > 0");
        close(0.8, dual.perToken()[3], "dual clip leaves a loss below the cap");
    }

    @ParameterizedTest
    @ValueSource(doubles = {9, 14})
    void gradientsGoOnceToTheSelectedTerm(double logRatio) {
        Result r = run(logRatio, 0);
        // d/dlogπ of −ρA is −ρA; a clipped term has no gradient.
        close(0, r.gradient()[0], "clipped");
        close(Math.exp(logRatio), r.gradient()[1], "−ρA with A = −1");
        close(-Math.exp(-logRatio), r.gradient()[2], "−ρA with A = +1");
        close(0, r.gradient()[3], "clipped");
        Result dual = run(logRatio, 3.0);
        close(0, dual.gradient()[1], "capped by the dual clip");
    }

    @ParameterizedTest
    @ValueSource(doubles = {20, 90})
    void gradientsStayFiniteBeyondTheBound(double logRatio) {
        for (float g : run(logRatio, 0).gradient()) {
            assertTrue(Float.isFinite(g), "gradient " + g);
        }
        for (float g : run(-logRatio, 0).gradient()) {
            assertTrue(Float.isFinite(g), "gradient " + g);
        }
    }
}
