package io.dl4jrl.rl;

/**
 * DAPO's dynamic sampling (Yu et al., 2025; docs/algorithms.md, "DAPO", eq. 11, the constraint
 * {@code 0 < |{o_i : o_i correct}| < G}): a group whose outcome rewards are all equal has every group-relative
 * advantage 0, so it adds no gradient and only dilutes the batch; it is dropped and replaced by a fresh prompt's group.
 * Equality is on the reward function's outcomes (for a 0/1 correctness reward, exactly the paper's all-right or
 * all-wrong condition), before any shaping.
 */
public final class DynamicSampling implements GroupFilter {

    @Override
    public String name() {
        return "dynamic_sampling";
    }

    @Override
    public boolean keep(Rollouts round, int group, double[] outcomes) {
        int g = round.groupSize();
        double first = outcomes[group * g];
        for (int i = group * g + 1; i < group * g + g; i++) {
            if (Double.compare(outcomes[i], first) != 0) {
                return true;
            }
        }
        return false;
    }
}
