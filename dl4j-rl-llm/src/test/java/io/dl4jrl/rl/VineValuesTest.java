package io.dl4jrl.rl;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class VineValuesTest {

    /**
     * A toy policy whose true values are known in closed form: a completion from a prefix succeeds with
     * probability 0.2 + 0.2 × (number of response tokens in the prefix), so V(s_0) = 0.2, V after 1 token 0.4, ...
     */
    static VineValues.Rollouts toy(int[] prompt, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return (prefixes, k) -> {
            double[] r = new double[prefixes.size() * k];
            for (int p = 0; p < prefixes.size(); p++) {
                double success = 0.2 + 0.2 * (prefixes.get(p).responseTokens());
                for (int c = 0; c < k; c++) {
                    r[p * k + c] = random.nextDouble() < success ? 1 : 0;
                }
            }
            return r;
        };
    }

    @Test
    void meansConvergeToTheTrueValuesAndTheSpreadShrinksLikeOneOverRootK() {
        int[] prompt = {7, 7};
        int[][] responses = {{1, 2, 3}};
        int[][] ends = {{1, 2, 3}}; // three one-token steps: states after 0, 1, 2 tokens
        double[] truth = {0.2, 0.4, 0.6};
        VineValues.Estimate big = VineValues.estimate(List.of(prompt), responses, ends, 20_000, toy(prompt, 1));
        for (int j = 0; j < 3; j++) {
            assertEquals(truth[j], big.values()[0][j], 0.015, "state " + j);
        }
        // Spread of V̂(s_0) over 400 repeated estimates: K = 16 vs K = 256 should differ by about sqrt(16) = 4.
        double small = spread(prompt, responses, ends, 16);
        double large = spread(prompt, responses, ends, 256);
        assertEquals(Math.sqrt(0.2 * 0.8 / 16), small, 0.2 * Math.sqrt(0.2 * 0.8 / 16));
        assertEquals(4.0, small / large, 0.8);
    }

    static double spread(int[] prompt, int[][] responses, int[][] ends, int k) {
        double s = 0;
        double s2 = 0;
        int n = 400;
        for (int rep = 0; rep < n; rep++) {
            double v = VineValues.estimate(List.of(prompt), responses, ends, k, toy(prompt, 100 + rep)).values()[0][0];
            s += v;
            s2 += v * v;
        }
        double mean = s / n;
        return Math.sqrt(s2 / n - mean * mean);
    }

    @Test
    void sharedPrefixesAreRolledOutOnce() {
        int[] prompt = {5};
        int[][] responses = {{1, 2, 3}, {1, 2, 4}, {9}};
        int[][] ends = {{2, 3}, {2, 3}, {1}};
        int[] calls = {0};
        VineValues.Estimate e = VineValues.estimate(List.of(prompt, prompt, prompt), responses, ends, 3, (prefixes, k) -> {
            calls[0] += prefixes.size();
            return new double[prefixes.size() * k];
        });
        // States: [5] (shared by all three), [5,1,2] (shared by the first two): 2 distinct prefixes.
        assertEquals(2, e.distinctPrefixes());
        assertEquals(2, calls[0]);
    }

    @Test
    void stepAdvantagesOnAHandComputedCase() {
        // Steps end at tokens 2, 5, 6; V̂ = 0.25, 0.5, 0.75 at the three states; outcome 1.
        float[] a = VineValues.stepAdvantages(6, new int[]{2, 5, 6}, new double[]{0.25, 0.5, 0.75}, 1.0);
        // A_0 = 0.5 − 0.25, A_1 = 0.75 − 0.5, A_2 = 1 + 0 − 0.75
        assertArrayEquals(new float[]{0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f}, a, 1e-6f);
        float[] wrong = VineValues.stepAdvantages(3, new int[]{1, 3}, new double[]{0.5, 0.8}, 0.0);
        assertArrayEquals(new float[]{0.3f, -0.8f, -0.8f}, wrong, 1e-6f);
    }
}
