package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The plain (REINFORCE-style) policy gradient, ratio-free: {@code L = −A · log π}. Its gradient is the
 * score-function estimator; exact on-policy (one step per fresh batch) it equals PPO's at ρ = 1.
 */
public record VanillaPolicyGradientLoss() implements PolicyLoss {
    @Override
    public String name() {
        return "vanilla-pg";
    }

    @Override
    public SDVariable perToken(RlInputs in, SDVariable logProbs) {
        return in.advantages().mul(logProbs).neg();
    }
}
