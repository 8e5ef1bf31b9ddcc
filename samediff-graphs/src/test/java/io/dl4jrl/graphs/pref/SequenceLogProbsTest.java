package io.dl4jrl.graphs.pref;

import io.dl4jrl.graphs.GradientCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SequenceLogProbsTest {

    @Test
    void maskedSumsSplitIntoChosenAndRejectedAndFeedDpo() {
        SameDiff sd = SameDiff.create();
        // Rows 0-1 chosen, rows 2-3 rejected; the mask keeps response tokens only.
        SDVariable tokenLogProbs = sd.var("lp", Nd4j.createFromArray(new double[][]{
                {-9, -1, -2, 0}, {-9, -0.5, 0, 0}, {-9, -3, -1, -1}, {-9, -2, -2, 0}}));
        SDVariable mask = sd.constant("mask", Nd4j.createFromArray(new double[][]{
                {0, 1, 1, 0}, {0, 1, 0, 0}, {0, 1, 1, 1}, {0, 1, 1, 0}}));
        SDVariable seq = SequenceLogProbs.attach(sd, tokenLogProbs, mask);
        assertArrayEquals(new double[]{-3, -0.5, -5, -4}, sd.output(Map.of(), seq.name()).get(seq.name()).toDoubleVector(), 1e-12);
        assertArrayEquals(new double[]{2, 1, 3, 2}, sd.output(Map.of(), SequenceLogProbs.RESPONSE_LENGTHS)
                .get(SequenceLogProbs.RESPONSE_LENGTHS).toDoubleVector(), 1e-12);
        SDVariable chosen = SequenceLogProbs.chosen(seq);
        SDVariable rejected = SequenceLogProbs.rejected(seq);
        assertArrayEquals(new double[]{-3, -0.5}, sd.output(Map.of(), chosen.name()).get(chosen.name()).toDoubleVector(), 1e-12);
        assertArrayEquals(new double[]{-5, -4}, sd.output(Map.of(), rejected.name()).get(rejected.name()).toDoubleVector(), 1e-12);
        // DPO on top, against a fixed reference: value by hand, gradients by finite differences.
        SDVariable ref = sd.constant("ref", Nd4j.createFromArray(-3.5, -1.0, -4.5, -4.5));
        SDVariable lengths = sd.getVariable(SequenceLogProbs.RESPONSE_LENGTHS);
        DpoLoss.dpo().build(sd, chosen, rejected, SequenceLogProbs.chosen(ref), SequenceLogProbs.rejected(ref),
                SequenceLogProbs.chosen(lengths), SequenceLogProbs.rejected(lengths));
        // h = (−3 + 3.5) − (−5 + 4.5) = 1 and (−0.5 + 1) − (−4 + 4.5) = 0; β = 0.1.
        double expected = (Math.log1p(Math.exp(-0.1)) + Math.log(2)) / 2;
        assertEquals(expected, sd.output(Map.of(), DpoLoss.LOSS).get(DpoLoss.LOSS).getDouble(0), 1e-12);
        sd.setLossVariables(DpoLoss.LOSS);
        assertTrue(GradientCheck.check(sd, Map.of(), 16, 1e-6, 1e-10, 1).passed(1e-5));
    }

    @Test
    void anEmptyResponseGivesFiniteIpoAndSimpoLosses() {
        for (DpoLoss loss : new DpoLoss[]{new DpoLoss(DpoLoss.Variant.IPO, 0.1, 0, 0), new DpoLoss(DpoLoss.Variant.SIMPO, 2.0, 0, 0.5)}) {
            SameDiff sd = SameDiff.create();
            // Row 1 (the chosen response of pair 0) is wholly masked: an empty response.
            SDVariable tokenLogProbs = sd.var("lp", Nd4j.createFromArray(new double[][]{{-9, -1, -2}, {-9, -3, -1}}));
            SDVariable mask = sd.constant("mask", Nd4j.createFromArray(new double[][]{{0, 0, 0}, {0, 1, 1}}));
            SDVariable seq = SequenceLogProbs.attach(sd, tokenLogProbs, mask);
            SDVariable ref = sd.constant("ref", Nd4j.createFromArray(-1.0, -5.0));
            SDVariable lengths = sd.getVariable(SequenceLogProbs.RESPONSE_LENGTHS);
            loss.build(sd, SequenceLogProbs.chosen(seq), SequenceLogProbs.rejected(seq), SequenceLogProbs.chosen(ref),
                    SequenceLogProbs.rejected(ref), SequenceLogProbs.chosen(lengths), SequenceLogProbs.rejected(lengths));
            double value = sd.output(Map.of(), DpoLoss.LOSS).get(DpoLoss.LOSS).getDouble(0);
            assertTrue(Double.isFinite(value), loss.variant() + ": " + value);
            // The empty response's per-token average is 0: IPO's h = (0 − (−1)/1) − ((−4 − (−5))/2) = 1 − 0.5.
            if (loss.variant() == DpoLoss.Variant.IPO) {
                double h = (0 - (-1.0)) / 1 - (-4 - (-5.0)) / 2;
                assertEquals((h - 1 / (2 * 0.1)) * (h - 1 / (2 * 0.1)), value, 1e-12);
            }
        }
    }
}
