package io.dl4jrl.rl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * VinePPO's credit assignment (Kazemnejad et al., 2024, arXiv 2410.01679): responses are split into reasoning
 * steps; the value of every state (the prompt and each step boundary before the last step) is the mean reward of
 * K completions sampled from it with the current policy ({@link VineValues}, unbiased, no value network); each
 * step gets {@code A_j = r_j + V̂(s_{j+1}) − V̂(s_j)} on every one of its tokens (γ = 1, the paper's Eq. for the
 * step advantage), whitened over the batch. {@code r_j} is the outcome on the last step plus, if the run puts a
 * KL penalty into the reward, the step's summed per-token penalties (the Monte-Carlo values estimate the outcome
 * only). The trainer then runs PPO's clipped update without a value head.
 */
public record VinePpoAdvantage(StepSegmenter segmenter, int rollouts, boolean whiten) implements AdvantageEstimator {

    public VinePpoAdvantage {
        if (rollouts < 1) {
            throw new IllegalArgumentException("rollouts (K) must be >= 1, got " + rollouts);
        }
    }

    public VinePpoAdvantage(VineConfig config) {
        this(config.segmenter(), config.rollouts(), config.whiten());
    }

    @Override
    public String name() {
        return "vineppo";
    }

    @Override
    public boolean needsRolloutContext() {
        return true;
    }

    @Override
    public Advantages estimate(RolloutGroups rollouts) {
        throw new IllegalStateException("vineppo estimates values by sampling from intermediate states: call "
                + "estimate(rollouts, context) with a RolloutContext holding the token ids and a rollout engine");
    }

    @Override
    public Advantages estimate(RolloutGroups r, RolloutContext context) {
        int n = r.size();
        int[][] ends = new int[n][];
        long states = 0;
        for (int i = 0; i < n; i++) {
            if (context.responses()[i].length != r.lengths()[i]) {
                throw new IllegalArgumentException("response " + i + " has " + context.responses()[i].length
                        + " tokens in the context but " + r.lengths()[i] + " in the rollout groups");
            }
            ends[i] = segmenter.stepEnds(context.responses()[i], context.tokenizer());
            states += ends[i].length;
        }
        VineValues.Estimate estimate = VineValues.estimate(context.prompts(), context.responses(), ends, rollouts, context.rollouts());
        float[][] advantages = new float[n][];
        double startValue = 0;
        for (int i = 0; i < n; i++) {
            double[] stepRewards = new double[ends[i].length];
            int from = 0;
            for (int j = 0; j < ends[i].length; j++) {
                for (int t = from; t < ends[i][j]; t++) {
                    stepRewards[j] += r.tokenReward(i, t); // the outcome arrives with the last token
                }
                from = ends[i][j];
            }
            advantages[i] = VineValues.stepAdvantages(r.lengths()[i], ends[i], estimate.values()[i], stepRewards);
            startValue += estimate.values()[i].length > 0 ? estimate.values()[i][0] : 0;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("vine_steps_per_response", (double) states / Math.max(1, n));
        metrics.put("vine_distinct_states", (double) estimate.distinctPrefixes());
        metrics.put("vine_value_prompt_mean", startValue / Math.max(1, n));
        metrics.putAll(context.rollouts().metrics());
        return new Advantages(whiten ? Whitening.whiten(advantages, 1e-8) : advantages, null, metrics);
    }
}
