package io.dl4jrl.graphs.pref;

import io.dl4jrl.graphs.GradientCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PreferenceLossesTest {
    // Two pairs; β = 0.5 gives β h = [0.35, −0.35] (h = [0.7, −0.7]), per-token h̄ = [0.3, −0.15].
    static final double[] CHOSEN = {-3, -5};
    static final double[] REJECTED = {-4, -4};
    static final double[] REF_CHOSEN = {-3.5, -4.5};
    static final double[] REF_REJECTED = {-3.8, -4.2};
    static final double[] CHOSEN_LEN = {2, 5};
    static final double[] REJECTED_LEN = {4, 4};

    static double logOdds(double m) {
        return m - Math.log(1 - Math.exp(m));
    }

    static double logSigmoid(double x) {
        return -Math.log1p(Math.exp(-x));
    }

    static final class Graph {
        final SameDiff sd = SameDiff.create();
        final SDVariable chosen = sd.var("chosen", Nd4j.createFromArray(CHOSEN));
        final SDVariable rejected = sd.var("rejected", Nd4j.createFromArray(REJECTED));
        final SDVariable loss;

        Graph(DpoLoss dpo) {
            loss = dpo.build(sd, chosen, rejected, sd.constant("ref_chosen", Nd4j.createFromArray(REF_CHOSEN)),
                    sd.constant("ref_rejected", Nd4j.createFromArray(REF_REJECTED)),
                    sd.constant("chosen_len", Nd4j.createFromArray(CHOSEN_LEN)),
                    sd.constant("rejected_len", Nd4j.createFromArray(REJECTED_LEN)));
        }

        double value(String name) {
            return sd.output(Map.of(), name).get(name).getDouble(0);
        }

        void assertGradientsMatch() {
            sd.setLossVariables(DpoLoss.LOSS);
            GradientCheck.Result r = GradientCheck.check(sd, Map.of(), 10, 1e-6, 1e-10, 1);
            assertTrue(r.passed(1e-5), "worst: " + r.worst());
        }
    }

    static double value(DpoLoss.Variant v, double eps, double gamma) {
        return new Graph(new DpoLoss(v, 0.5, eps, gamma)).value(DpoLoss.LOSS);
    }

    @Test
    void dpoVariantsHandComputed() {
        double a = 0.35;
        assertEquals(-(logSigmoid(a) + logSigmoid(-a)) / 2, value(DpoLoss.Variant.SIGMOID, 0, 0), 1e-12);
        assertEquals((0.65 + 1.35) / 2, value(DpoLoss.Variant.HINGE, 0, 0), 1e-12);
        double conservative = (-(0.9 * logSigmoid(a) + 0.1 * logSigmoid(-a)) - (0.9 * logSigmoid(-a) + 0.1 * logSigmoid(a))) / 2;
        assertEquals(conservative, value(DpoLoss.Variant.CONSERVATIVE, 0.1, 0), 1e-12);
        double robust = ((-0.9 * logSigmoid(a) + 0.1 * logSigmoid(-a)) + (-0.9 * logSigmoid(-a) + 0.1 * logSigmoid(a))) / 2 / 0.8;
        assertEquals(robust, value(DpoLoss.Variant.ROBUST, 0.1, 0), 1e-12);
        assertEquals((0.49 + 1.3225) / 2, value(DpoLoss.Variant.IPO, 0, 0), 1e-12);
        assertEquals(-(logSigmoid(-0.45) + logSigmoid(-0.2)) / 2, value(DpoLoss.Variant.SIMPO, 0, 0.2), 1e-12);
        // ORPO, λ = 0.5: mean log-probs chosen [−1.5, −1], rejected [−1, −1]; log odds(m) = m − log(1 − e^m).
        double r1 = logOdds(-1.5) - logOdds(-1.0);
        assertEquals((1.5 - 0.5 * logSigmoid(r1) + 1.0 - 0.5 * logSigmoid(0)) / 2, value(DpoLoss.Variant.ORPO, 0, 0), 1e-12);
        assertEquals(r1 / 2, new Graph(new DpoLoss(DpoLoss.Variant.ORPO, 0.5, 0, 0)).value(DpoLoss.MARGIN), 1e-12, "mean log odds ratio");
        assertFalse(new DpoLoss(DpoLoss.Variant.ORPO, 0.1, 0, 0).usesReference());
        assertEquals(value(DpoLoss.Variant.SIGMOID, 0, 0), value(DpoLoss.Variant.CONSERVATIVE, 0, 0), 1e-12,
                "no smoothing: conservative is DPO");
        assertEquals(0.0, new Graph(new DpoLoss(DpoLoss.Variant.SIGMOID, 0.5, 0, 0)).value(DpoLoss.MARGIN), 1e-12,
                "mean implicit reward margin of [0.35, −0.35]");
    }

    @Test
    void gradientsMatchFiniteDifferencesForEveryVariant() {
        for (DpoLoss.Variant v : DpoLoss.Variant.values()) {
            new Graph(new DpoLoss(v, 0.5, 0.1, 0.2)).assertGradientsMatch();
        }
    }

    @Test
    void dpoGradientPushesChosenUpAndRejectedDown() {
        Graph g = new Graph(DpoLoss.dpo());
        g.sd.setLossVariables(DpoLoss.LOSS);
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> grads = g.sd.calculateGradients(Map.of(), "chosen", "rejected");
        for (double d : grads.get("chosen").toDoubleVector()) assertTrue(d < 0, "descent raises log π(y_w)");
        for (double d : grads.get("rejected").toDoubleVector()) assertTrue(d > 0, "descent lowers log π(y_l)");
    }

    @Test
    void bradleyTerryHandComputedWithCentring() {
        SameDiff sd = SameDiff.create();
        SDVariable w = sd.var("w", Nd4j.createFromArray(1.0, 0.2));
        SDVariable l = sd.var("l", Nd4j.createFromArray(0.5, 0.7));
        new BradleyTerryLoss(0, 0.1).build(sd, w, l);
        double plain = -(logSigmoid(0.5) + logSigmoid(-0.5)) / 2;
        assertEquals(plain + 0.1 * (2.25 + 0.81) / 2, sd.output(Map.of(), BradleyTerryLoss.LOSS).get(BradleyTerryLoss.LOSS).getDouble(0), 1e-12);
        assertEquals(0.5, sd.output(Map.of(), BradleyTerryLoss.ACCURACY).get(BradleyTerryLoss.ACCURACY).getDouble(0), 1e-12);
        sd.setLossVariables(BradleyTerryLoss.LOSS);
        assertTrue(GradientCheck.check(sd, Map.of(), 10, 1e-6, 1e-10, 1).passed(1e-5));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DpoLoss(DpoLoss.Variant.SIGMOID, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new DpoLoss(DpoLoss.Variant.ROBUST, 0.1, 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new BradleyTerryLoss(0, -1));
    }
}
