package io.dl4jrl.rl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VinePPO's Monte-Carlo values and step advantages (Kazemnejad et al., 2024). For response i split into
 * steps ending at {@code stepEnds[i]}, the states are the prompt s_0 and every boundary before the last step;
 * V̂(s) is the mean outcome reward of K completions sampled from the prefix with the current policy. Identical
 * prefixes (shared by responses to the same prompt) are rolled out once. Step advantages:
 * {@code A_j = r_j + V̂(s_{j+1}) − V̂(s_j)} with γ = 1, r_j = 0 except the last step, which gets the
 * response's outcome, and the value after the last step 0; every token of step j gets A_j.
 */
public final class VineValues {

    /** Samples completions and scores them: VinePPO's rollout engine. */
    public interface Rollouts {
        /**
         * @param prefixes the states to roll out from
         * @param k        completions per prefix
         * @return {@code prefixes.size() * k} rewards, prefix-major
         */
        double[] rewards(List<Prefix> prefixes, int k);

        /** What the engine has done so far (completions, tokens, seconds), as metrics. */
        default java.util.Map<String, Double> metrics() {
            return java.util.Map.of();
        }
    }

    /**
     * A state: prompt + the first tokens of a response.
     *
     * @param row          the batch row of a response passing through this state (its problem scores the completions)
     * @param ids          prompt + response prefix token ids
     * @param promptLength how many of {@code ids} are the prompt
     */
    public record Prefix(int row, int[] ids, int promptLength) {
        public int responseTokens() {
            return ids.length - promptLength;
        }
    }

    /** Per response, V̂ of each state (index 0 = the prompt), one per step; and the number of distinct prefixes rolled out. */
    public record Estimate(double[][] values, int distinctPrefixes) {
    }

    private VineValues() {
    }

    public static Estimate estimate(List<int[]> prompts, int[][] responses, int[][] stepEnds, int k, Rollouts rollouts) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        List<Prefix> prefixes = new ArrayList<>();
        int[][] stateIds = new int[responses.length][];
        for (int i = 0; i < responses.length; i++) {
            int steps = stepEnds[i].length;
            stateIds[i] = new int[steps];
            for (int j = 0; j < steps; j++) {
                int responseTokens = j == 0 ? 0 : stepEnds[i][j - 1];
                int[] prefix = concat(prompts.get(i), responses[i], responseTokens);
                String key = Arrays.toString(prefix);
                Integer id = index.get(key);
                if (id == null) {
                    id = prefixes.size();
                    index.put(key, id);
                    prefixes.add(new Prefix(i, prefix, prompts.get(i).length));
                }
                stateIds[i][j] = id;
            }
        }
        double[] rewards = prefixes.isEmpty() ? new double[0] : rollouts.rewards(prefixes, k);
        if (rewards.length != prefixes.size() * k) {
            throw new IllegalStateException("rollouts returned " + rewards.length + " rewards for " + prefixes.size() + " prefixes x " + k);
        }
        double[] v = means(rewards, k);
        double[][] values = new double[responses.length][];
        for (int i = 0; i < responses.length; i++) {
            values[i] = new double[stateIds[i].length];
            for (int j = 0; j < values[i].length; j++) {
                values[i][j] = v[stateIds[i][j]];
            }
        }
        return new Estimate(values, prefixes.size());
    }

    /** Per prefix, the mean of its {@code k} consecutive rewards (prefix-major, as {@link Rollouts} returns them). */
    public static double[] means(double[] rewards, int k) {
        double[] m = new double[rewards.length / k];
        for (int p = 0; p < m.length; p++) {
            for (int c = 0; c < k; c++) {
                m[p] += rewards[p * k + c];
            }
            m[p] /= k;
        }
        return m;
    }

    /** Per-token step advantages of response i with the outcome as the only reward, before any whitening. */
    public static float[] stepAdvantages(int responseLength, int[] stepEnds, double[] values, double outcome) {
        double[] stepRewards = new double[stepEnds.length];
        if (stepRewards.length > 0) {
            stepRewards[stepRewards.length - 1] = outcome;
        }
        return stepAdvantages(responseLength, stepEnds, values, stepRewards);
    }

    /**
     * Per-token step advantages {@code A_j = r_j + V̂(s_{j+1}) − V̂(s_j)} of response i (γ = 1, V̂ after the last
     * step 0), before any whitening; {@code stepRewards[j]} is r_j (the outcome on the last step, plus any
     * per-token reward terms summed over the step's tokens).
     */
    public static float[] stepAdvantages(int responseLength, int[] stepEnds, double[] values, double[] stepRewards) {
        float[] a = new float[responseLength];
        int from = 0;
        for (int j = 0; j < stepEnds.length; j++) {
            double next = j == stepEnds.length - 1 ? 0.0 : values[j + 1];
            float advantage = (float) (stepRewards[j] + next - values[j]);
            Arrays.fill(a, from, stepEnds[j], advantage);
            from = stepEnds[j];
        }
        return a;
    }

    private static int[] concat(int[] prompt, int[] response, int responseTokens) {
        int[] out = Arrays.copyOf(prompt, prompt.length + responseTokens);
        System.arraycopy(response, 0, out, prompt.length, responseTokens);
        return out;
    }
}
