package io.dl4jrl.rl;

/**
 * OPO's optimal reward baseline (Hao et al., 2025, arXiv 2505.23585): per group,
 * {@code b = Σ_i l_i r_i / Σ_i l_i} with l_i the response length in tokens, and {@code A_i = r_i − b} for every
 * token of response i (no std division). It is the variance-minimising baseline
 * {@code E[‖∇log π‖² r] / E[‖∇log π‖²]} under the paper's assumption that the squared gradient norm of a
 * response grows with its length. A group of one response gets b = 0 (nothing to compare with); a group whose
 * responses are all empty falls back to the plain mean.
 */
public record OpoAdvantage() implements AdvantageEstimator {

    @Override
    public boolean exactlyOnPolicy() {
        return true;
    }

    @Override
    public int minimumGroupSize() {
        return 2; // the baseline is the group's other responses
    }

    @Override
    public String name() {
        return "opo";
    }

    @Override
    public Advantages estimate(RolloutGroups r) {
        int g = r.groupSize();
        double[] a = new double[r.size()];
        for (int p = 0; p < r.groups(); p++) {
            double b = g == 1 ? 0.0 : baseline(r, p * g, g);
            for (int j = 0; j < g; j++) {
                a[p * g + j] = r.outcomes()[p * g + j] - b;
            }
        }
        return Advantages.broadcast(a, r.lengths());
    }

    /** The length-weighted mean reward of responses {@code from .. from+g-1}. */
    static double baseline(RolloutGroups r, int from, int g) {
        double weighted = 0;
        double lengths = 0;
        double plain = 0;
        for (int j = from; j < from + g; j++) {
            weighted += r.lengths()[j] * r.outcomes()[j];
            lengths += r.lengths()[j];
            plain += r.outcomes()[j];
        }
        return lengths > 0 ? weighted / lengths : plain / g;
    }
}
