package io.dl4jrl.rl;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The reward-hacking guard metrics against hand-computed values. */
class RewardHackingGuardTest {

    @Test
    void handComputedCorrelationGapAndRanking() {
        // Two groups of two: group 0 ranks its correct response first, group 1 ranks its wrong one first.
        double[] reward = {2, 0, 1, 3};
        double[] correct = {1, 0, 1, 0};
        Map<String, Double> m = RewardHackingGuard.metrics(reward, correct, 2);
        // mean r = 1.5, mean c = 0.5; cov = Σ (r−1.5)(c−0.5) = 0.25 − (−0.75)... computed term by term:
        // (0.5)(0.5) + (−1.5)(−0.5) + (−0.5)(0.5) + (1.5)(−0.5) = 0.25 + 0.75 − 0.25 − 0.75 = 0
        assertEquals(0.0, m.get("reward_correctness_correlation"), 1e-12);
        assertEquals((2 + 1) / 2.0 - (0 + 3) / 2.0, m.get("reward_gap_correct_minus_wrong"), 1e-12);
        assertEquals(0.5, m.get("reward_ranking_accuracy"), 1e-12);

        Map<String, Double> aligned = RewardHackingGuard.metrics(new double[]{1, 0, 1, 0}, correct, 2);
        assertEquals(1.0, aligned.get("reward_correctness_correlation"), 1e-12);
        assertEquals(1.0, aligned.get("reward_ranking_accuracy"), 1e-12);
        // A tie counts half.
        assertEquals(0.75, RewardHackingGuard.metrics(new double[]{1, 0, 1, 1}, correct, 2).get("reward_ranking_accuracy"), 1e-12);
    }

    @Test
    void undefinedMetricsAreLeftOut() {
        Map<String, Double> allRight = RewardHackingGuard.metrics(new double[]{0.3, 0.9}, new double[]{1, 1}, 2);
        assertEquals(0.0, allRight.get("reward_correctness_correlation"));
        assertFalse(allRight.containsKey("reward_gap_correct_minus_wrong"));
        assertFalse(allRight.containsKey("reward_ranking_accuracy"));
    }
}
