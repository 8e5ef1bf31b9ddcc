package io.dl4jrl.graphs.pref;

import io.dl4jrl.graphs.GradientCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** DpoObjective: placeholders for the mask and cached reference, and the RPO NLL term, by hand and by finite differences. */
class DpoObjectiveTest {
    // Rows 0-1 chosen, rows 2-3 rejected; sequence log-probs −3, −0.5 | −5, −4 with lengths 2, 1 | 3, 2.
    static final double[][] LOGPROBS = {{-9, -1, -2, 0}, {-9, -0.5, 0, 0}, {-9, -3, -1, -1}, {-9, -2, -2, 0}};
    static final double[][] MASK = {{0, 1, 1, 0}, {0, 1, 0, 0}, {0, 1, 1, 1}, {0, 1, 1, 0}};

    static Map<String, INDArray> feed() {
        return Map.of(DpoObjective.RESPONSE_MASK, Nd4j.createFromArray(MASK), DpoObjective.REF_CHOSEN, Nd4j.createFromArray(-3.5, -1.0),
                DpoObjective.REF_REJECTED, Nd4j.createFromArray(-4.5, -4.5));
    }

    @Test
    void rpoAddsTheLengthNormalisedNllOfTheChosenResponses() {
        for (double alpha : new double[]{0, 1.0}) {
            SameDiff sd = SameDiff.create();
            SDVariable lp = sd.var("lp", Nd4j.createFromArray(LOGPROBS));
            DpoObjective.attach(sd, lp, DpoLoss.dpo(), alpha);
            Map<String, INDArray> feed = feed();
            // h = 1 and 0 (see SequenceLogProbsTest); NLL per token of the chosen rows: 3/2 and 0.5/1.
            double dpo = (Math.log1p(Math.exp(-0.1)) + Math.log(2)) / 2;
            double nll = (1.5 + 0.5) / 2;
            Map<String, INDArray> out = sd.output(feed, DpoObjective.TOTAL_LOSS, DpoObjective.CHOSEN_NLL, DpoLoss.LOSS);
            assertEquals(dpo, out.get(DpoLoss.LOSS).getDouble(0), 1e-12);
            assertEquals(nll, out.get(DpoObjective.CHOSEN_NLL).getDouble(0), 1e-12);
            assertEquals(dpo + alpha * nll, out.get(DpoObjective.TOTAL_LOSS).getDouble(0), 1e-12);
            sd.setLossVariables(DpoObjective.TOTAL_LOSS);
            assertTrue(GradientCheck.check(sd, feed, 16, 1e-6, 1e-10, 1).passed(1e-5), "alpha " + alpha);
        }
        assertThrows(IllegalArgumentException.class, () -> DpoObjective.attach(SameDiff.create(), null, DpoLoss.dpo(), -1));
    }

    @Test
    void simpoHasNoReferencePlaceholders() {
        SameDiff sd = SameDiff.create();
        DpoObjective.attach(sd, sd.var("lp", Nd4j.createFromArray(LOGPROBS)), new DpoLoss(DpoLoss.Variant.SIMPO, 2.0, 0, 0.5));
        assertFalse(sd.hasVariable(DpoObjective.REF_CHOSEN));
        double x = 2.0 * (-3 / 2.0 - (-5 / 3.0)) - 0.5;
        double y = 2.0 * (-0.5 / 1.0 - (-4 / 2.0)) - 0.5;
        double expected = (Math.log1p(Math.exp(-x)) + Math.log1p(Math.exp(-y))) / 2;
        assertEquals(expected, sd.output(Map.of(DpoObjective.RESPONSE_MASK, Nd4j.createFromArray(MASK)), DpoObjective.TOTAL_LOSS)
                .get(DpoObjective.TOTAL_LOSS).getDouble(0), 1e-12);
    }
}
