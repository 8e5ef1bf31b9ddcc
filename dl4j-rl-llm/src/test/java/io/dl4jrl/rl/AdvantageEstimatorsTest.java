package io.dl4jrl.rl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AdvantageEstimatorsTest {
    // docs/algorithms.md worked numbers: rewards [1, 0, 0, 1], lengths [10, 20, 30, 60]
    static final int[] LENGTHS = {10, 20, 30, 60};
    static final double[] REWARDS = {1, 0, 0, 1};

    static void assertEveryToken(Advantages a, double... perResponse) {
        for (int i = 0; i < perResponse.length; i++) {
            assertEquals(LENGTHS.length > i ? a.perToken()[i].length : 0, a.perToken()[i].length);
            for (float v : a.perToken()[i]) {
                assertEquals(perResponse[i], v, 1e-5, "response " + i);
            }
        }
    }

    @Test
    void grpoDrGrpoAndRlooMatchTheWorkedNumbers() {
        RolloutGroups r = RolloutGroups.ofOutcomes(4, LENGTHS, REWARDS);
        assertEveryToken(new GrpoAdvantage().estimate(r), 0.866024, -0.866024, -0.866024, 0.866024);
        assertEveryToken(new GrpoAdvantage(false, 0).estimate(r), 0.5, -0.5, -0.5, 0.5);
        assertEveryToken(new RlooAdvantage().estimate(r), 0.666667, -0.666667, -0.666667, 0.666667);
    }

    @Test
    void equalRewardsGiveZeroAdvantage() {
        for (double reward : new double[]{0, 1}) {
            RolloutGroups r = RolloutGroups.ofOutcomes(4, LENGTHS, new double[]{reward, reward, reward, reward});
            for (AdvantageEstimator e : new AdvantageEstimator[]{new GrpoAdvantage(), new GrpoAdvantage(false, 0), new RlooAdvantage()}) {
                for (float[] row : e.estimate(r).perToken()) {
                    for (float v : row) {
                        assertEquals(0.0, v, 1e-9, e.name());
                    }
                }
            }
        }
    }

    @Test
    void groupsAreNormalisedSeparately() {
        RolloutGroups r = RolloutGroups.ofOutcomes(2, new int[]{1, 1, 1, 1}, new double[]{1, 0, 5, 5});
        Advantages a = new GrpoAdvantage(false, 0).estimate(r);
        assertEquals(0.5, a.perToken()[0][0], 1e-9);
        assertEquals(-0.5, a.perToken()[1][0], 1e-9);
        assertEquals(0.0, a.perToken()[2][0], 1e-9);
        assertThrows(IllegalArgumentException.class, () -> RolloutGroups.ofOutcomes(3, new int[]{1, 1, 1, 1}, new double[4]));
        assertThrows(IllegalArgumentException.class, () -> new RlooAdvantage().estimate(RolloutGroups.ofOutcomes(1, new int[]{1}, new double[]{1})));
    }

    @Test
    void gaeHandComputedWithSingleTokenAndPaddedResponses() {
        // Response 0: 3 tokens, values [0.5, 0.6, 0.7], outcome 1, gamma 1, lambda 0.5, no whitening.
        // delta_2 = 1 - 0.7 = 0.3; delta_1 = 0 + 0.7 - 0.6 = 0.1; delta_0 = 0.6 - 0.5 = 0.1
        // A_2 = 0.3; A_1 = 0.1 + 0.5*0.3 = 0.25; A_0 = 0.1 + 0.5*0.25 = 0.225; R = A + V
        // Response 1: single token, value 0.2 (array padded to 3), outcome 0: A = -0.2, R = 0.
        float[][] values = {{0.5f, 0.6f, 0.7f}, {0.2f, 9f, 9f}};
        RolloutGroups r = new RolloutGroups(2, new int[]{3, 1}, new double[]{1, 0}, null, values);
        Advantages a = new GaeAdvantage(1.0, 0.5, false).estimate(r);
        assertArrayEquals(new float[]{0.225f, 0.25f, 0.3f}, a.perToken()[0], 1e-6f);
        assertArrayEquals(new float[]{0.725f, 0.85f, 1.0f}, a.returns()[0], 1e-6f);
        assertArrayEquals(new float[]{-0.2f}, a.perToken()[1], 1e-6f);
        assertArrayEquals(new float[]{0.0f}, a.returns()[1], 1e-6f);
        // lambda = 1 and zero values: A_t = sum of future rewards = outcome everywhere.
        Advantages mc = new GaeAdvantage(1.0, 1.0, false).estimate(new RolloutGroups(1, new int[]{4}, new double[]{2}, null, new float[][]{new float[4]}));
        assertArrayEquals(new float[]{2, 2, 2, 2}, mc.perToken()[0], 1e-6f);
        assertTrue(new GaeAdvantage().needsCritic());
        assertThrows(IllegalArgumentException.class, () -> new GaeAdvantage().estimate(RolloutGroups.ofOutcomes(1, new int[]{1}, new double[]{1})));
    }

    @Test
    void gaeWhitensOverTheBatch() {
        float[][] values = {{0f, 0f}, {0f, 0f}};
        Advantages a = new GaeAdvantage(1.0, 1.0, true).estimate(new RolloutGroups(2, new int[]{2, 2}, new double[]{1, 0}, null, values));
        // raw advantages [1,1] and [0,0] -> mean 0.5, std 0.5 -> [1,1], [-1,-1]
        assertArrayEquals(new float[]{1, 1}, a.perToken()[0], 1e-6f);
        assertArrayEquals(new float[]{-1, -1}, a.perToken()[1], 1e-6f);
    }

    @Test
    void reinforcePlusPlusReturnsWithKlPenaltyThenBatchNormalised() {
        // Response 0: 2 tokens, penalties [0.1, 0.2], outcome 1 -> rewards [-0.1, 0.8] -> returns [0.7, 0.8]
        // Response 1: 1 token, penalty [0.0], outcome 0 -> returns [0.0]
        float[][] kl = {{0.1f, 0.2f}, {0f}};
        Advantages a = new ReinforcePlusPlusAdvantage(0).estimate(new RolloutGroups(1, new int[]{2, 1}, new double[]{1, 0}, kl, null));
        double mean = (0.7 + 0.8 + 0.0) / 3;
        double std = Math.sqrt((Math.pow(0.7 - mean, 2) + Math.pow(0.8 - mean, 2) + Math.pow(mean, 2)) / 3);
        assertEquals((0.7 - mean) / std, a.perToken()[0][0], 1e-5);
        assertEquals((0.8 - mean) / std, a.perToken()[0][1], 1e-5);
        assertEquals((0.0 - mean) / std, a.perToken()[1][0], 1e-5);
    }

    @Test
    void opoBaselineMatchesTheWorkedNumbers() {
        // b = (10·1 + 60·1) / 120 = 0.583333 (docs/algorithms.md)
        RolloutGroups r = RolloutGroups.ofOutcomes(4, LENGTHS, REWARDS);
        assertEquals(0.583333, OpoAdvantage.baseline(r, 0, 4), 1e-6);
        assertEveryToken(new OpoAdvantage().estimate(r), 0.416667, -0.583333, -0.583333, 0.416667);
    }

    @Test
    void opoBaselineWithEqualLengthsIsTheMeanAndALongCorrectResponsePullsItUp() {
        RolloutGroups equal = RolloutGroups.ofOutcomes(4, new int[]{5, 5, 5, 5}, new double[]{1, 0, 0, 0});
        assertEquals(0.25, OpoAdvantage.baseline(equal, 0, 4), 1e-12);
        RolloutGroups longCorrect = RolloutGroups.ofOutcomes(4, new int[]{20, 5, 5, 5}, new double[]{1, 0, 0, 0});
        assertEquals(20.0 / 35, OpoAdvantage.baseline(longCorrect, 0, 4), 1e-12);
        RolloutGroups longWrong = RolloutGroups.ofOutcomes(4, new int[]{5, 20, 5, 5}, new double[]{1, 0, 0, 0});
        assertEquals(5.0 / 35, OpoAdvantage.baseline(longWrong, 0, 4), 1e-12);
    }

    @Test
    void opoSingleResponseGroupsEqualRewardsAndEmptyResponses() {
        // A group of one: b = 0, A = r.
        Advantages single = new OpoAdvantage().estimate(RolloutGroups.ofOutcomes(1, new int[]{3, 2}, new double[]{1, 0}));
        assertEquals(1.0, single.perToken()[0][0], 1e-9);
        assertEquals(0.0, single.perToken()[1][1], 1e-9);
        // Equal rewards: A = 0 whatever the lengths.
        Advantages same = new OpoAdvantage().estimate(RolloutGroups.ofOutcomes(3, new int[]{1, 7, 2}, new double[]{1, 1, 1}));
        for (float[] row : same.perToken()) {
            for (float v : row) {
                assertEquals(0.0, v, 1e-9);
            }
        }
        // All responses empty: the plain mean, and no tokens to carry it.
        RolloutGroups empty = RolloutGroups.ofOutcomes(2, new int[]{0, 0}, new double[]{1, 0});
        assertEquals(0.5, OpoAdvantage.baseline(empty, 0, 2), 1e-12);
        assertEquals(0, new OpoAdvantage().estimate(empty).perToken()[0].length);
    }

    @Test
    void registryCreatesByNameAndAcceptsUserEstimators() {
        assertEquals("grpo", AdvantageEstimators.create("grpo").name());
        assertEquals("dr-grpo", AdvantageEstimators.create("dr-grpo").name());
        assertTrue(AdvantageEstimators.names().containsAll(java.util.List.of("gae", "grpo", "rloo", "reinforce++", "opo")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AdvantageEstimators.create("nope"));
        assertTrue(e.getMessage().contains("known"));
        AdvantageEstimators.register("constant", () -> new AdvantageEstimator() {
            public String name() { return "constant"; }
            public Advantages estimate(RolloutGroups r) { return Advantages.broadcast(new double[r.size()], r.lengths()); }
        });
        assertEquals("constant", AdvantageEstimators.create("constant").name());
    }
}
