package io.dl4jrl.rl;

/**
 * REINFORCE++ (Hu, 2025): per-token returns G_t = Σ_{t'≥t} r_{t'} (γ = 1) of token rewards that carry the
 * KL penalty, then normalised over every response token of the whole batch to mean 0 and std 1. No critic;
 * the PPO clip is kept by the loss.
 */
public record ReinforcePlusPlusAdvantage(double epsilon) implements AdvantageEstimator {

    public ReinforcePlusPlusAdvantage() {
        this(1e-8);
    }

    @Override
    public String name() {
        return "reinforce++";
    }

    @Override
    public Advantages estimate(RolloutGroups r) {
        float[][] returns = new float[r.size()][];
        double sum = 0;
        long count = 0;
        for (int i = 0; i < r.size(); i++) {
            int n = r.lengths()[i];
            returns[i] = new float[n];
            double g = 0;
            for (int t = n - 1; t >= 0; t--) {
                g += r.tokenReward(i, t);
                returns[i][t] = (float) g;
                sum += g;
                count++;
            }
        }
        return new Advantages(Whitening.whiten(returns, sum, count, epsilon), null);
    }
}
