package io.dl4jrl.rl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ValueDiagnosticsTest {

    @Test
    void meanAbsoluteErrorAndTopOneOnAHandComputedCase() {
        double[] truth = {0.5, 0.2, 0.8, 0.4, 0.4};
        double[] estimate = {0.6, 0.2, 0.5, 0.4, 0.9};
        assertEquals((0.1 + 0 + 0.3 + 0 + 0.5) / 5, ValueDiagnostics.mae(estimate, truth), 1e-12);
        // Pair (1,2): truth and estimate both prefer 2, hit. (0,1): both prefer 0, hit. (0,2): truth prefers 2, the estimate 0, miss.
        List<int[]> pairs = List.of(new int[]{1, 2}, new int[]{0, 1}, new int[]{0, 2});
        assertEquals(2.0 / 3, ValueDiagnostics.top1(estimate, truth, pairs), 1e-12);
        double[] flat = {0.3, 0.3, 0.3, 0.3, 0.3};
        assertEquals(0.5, ValueDiagnostics.top1(flat, truth, pairs), 1e-12, "a constant estimate ties every pair: one half each");
        assertTrue(Double.isNaN(ValueDiagnostics.top1(estimate, truth, List.of())));
    }

    @Test
    void rankingAccuracyCountsEveryPairOfStatesTheTruthDecides() {
        double[] truth = {0.5, 0.2, 0.8, 0.4, 0.4};
        double[] estimate = {0.6, 0.2, 0.5, 0.4, 0.9};
        // 10 pairs, (3,4) tied in truth: 9 decided. Misses: (0,2) 0.6 > 0.5 against 0.5 < 0.8; (0,4) 0.6 < 0.9 against
        // 0.5 > 0.4; (2,4) 0.5 < 0.9 against 0.8 > 0.4. The other 6 agree.
        assertEquals(9, ValueDiagnostics.rankedPairs(truth));
        assertEquals(6.0 / 9, ValueDiagnostics.rank(estimate, truth), 1e-12);
        assertEquals(0.5, ValueDiagnostics.rank(new double[]{0.3, 0.3, 0.3, 0.3, 0.3}, truth), 1e-12, "a constant estimate ties every pair");
        assertEquals(1.0, ValueDiagnostics.rank(truth, truth), 1e-12);
        assertTrue(Double.isNaN(ValueDiagnostics.rank(new double[]{0.1, 0.9}, new double[]{0.4, 0.4})), "no pair the truth decides");
    }
}
