package io.dl4jrl.rl;

/**
 * Generalised advantage estimation over tokens (Schulman et al., 2016) with a value head:
 * δ_t = r_t + γ V_{t+1} − V_t (V after the last token = 0), A_t = Σ_l (γλ)^l δ_{t+l}, returns R_t = A_t + V_t
 * (the value targets). Token rewards carry the outcome at the last token and the optional KL penalty. LLM
 * defaults γ = 1, λ = 0.95; advantages are whitened over the batch unless disabled.
 */
public record GaeAdvantage(double gamma, double lambda, boolean whiten) implements AdvantageEstimator {

    public GaeAdvantage {
        if (!(gamma >= 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("gamma and lambda must be in [0, 1], got " + gamma + ", " + lambda);
        }
    }

    public GaeAdvantage() {
        this(1.0, 0.95, true);
    }

    @Override
    public String name() {
        return "gae";
    }

    @Override
    public boolean needsCritic() {
        return true;
    }

    @Override
    public Advantages estimate(RolloutGroups r) {
        if (r.values() == null) {
            throw new IllegalArgumentException("GAE needs per-token values from a value head");
        }
        float[][] adv = new float[r.size()][];
        float[][] ret = new float[r.size()][];
        for (int i = 0; i < r.size(); i++) {
            int n = r.lengths()[i];
            adv[i] = new float[n];
            ret[i] = new float[n];
            double next = 0;
            double running = 0;
            for (int t = n - 1; t >= 0; t--) {
                double v = r.values()[i][t];
                double delta = r.tokenReward(i, t) + gamma * next - v;
                running = delta + gamma * lambda * running;
                adv[i][t] = (float) running;
                ret[i][t] = (float) (running + v);
                next = v;
            }
        }
        return new Advantages(whiten ? Whitening.whiten(adv, 1e-8) : adv, ret);
    }
}
