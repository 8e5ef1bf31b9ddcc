package io.dl4jrl.health;

/**
 * Reward collapse: the mean training reward ({@code reward_mean}) below a share of the first iteration's. With a 0/1
 * reward, a policy that lost the answer format earns nothing: every group's rewards are equal, every advantage is 0
 * and the run can never recover (a CISPO seed in docs/rl.md, "Measured", broke its format in one iteration and spent
 * 29 more with a zero gradient). Silent when the first iteration's reward is 0 or below.
 */
final class RewardCollapse extends StartRelativeSignal {
    RewardCollapse(HealthConfig c) {
        super("reward_mean", c.rewardCollapseRatio(), true);
    }

    @Override
    public String name() {
        return "reward_collapse";
    }
}
