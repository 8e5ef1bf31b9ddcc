package io.dl4jrl.rl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds DAPO's soft overlong punishment ({@link OverlongConfig}) to each rollout's outcome, so that responses running
 * into the budget are discouraged smoothly rather than only by the truncation losing the answer. The length is the
 * sampled continuation's (a replayed prefix is the stored state's, not the policy's choice now).
 */
final class OverlongShaping implements RewardShaping {
    private final OverlongConfig config;
    private final int maxNewTokens;

    OverlongShaping(RlRun run) {
        this.config = run.config().overlong();
        this.maxNewTokens = run.config().sampling().maxNewTokens();
    }

    @Override
    public String name() {
        return "overlong";
    }

    @Override
    public Map<String, Double> shape(Rollouts rollouts, double[] outcomes, RlRun run) {
        double sum = 0;
        int punished = 0;
        for (int i = 0; i < rollouts.size(); i++) {
            double r = config.reward(rollouts.batch().length(i), !rollouts.batch().finished()[i], maxNewTokens);
            outcomes[i] += r;
            sum += r;
            punished += r < 0 ? 1 : 0;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("overlong_reward_mean", sum / Math.max(1, rollouts.size()));
        m.put("overlong_punished_fraction", (double) punished / Math.max(1, rollouts.size()));
        return m;
    }
}
