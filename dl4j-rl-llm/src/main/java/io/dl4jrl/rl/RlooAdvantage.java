package io.dl4jrl.rl;

/**
 * REINFORCE leave-one-out (Kool et al., 2019; Ahmadian et al., 2024): each response's baseline is the
 * mean reward of the other G − 1 responses to the same prompt, A_i = r_i − Σ_{j≠i} r_j / (G − 1).
 */
public record RlooAdvantage() implements AdvantageEstimator {

    @Override
    public int minimumGroupSize() {
        return 2; // the baseline is the group's other responses
    }

    @Override
    public String name() {
        return "rloo";
    }

    @Override
    public Advantages estimate(RolloutGroups r) {
        int g = r.groupSize();
        if (g < 2) {
            throw new IllegalArgumentException("RLOO needs at least 2 responses per prompt, got " + g);
        }
        double[] a = new double[r.size()];
        for (int p = 0; p < r.groups(); p++) {
            double sum = 0;
            for (int j = 0; j < g; j++) {
                sum += r.outcomes()[p * g + j];
            }
            for (int j = 0; j < g; j++) {
                double ri = r.outcomes()[p * g + j];
                a[p * g + j] = ri - (sum - ri) / (g - 1);
            }
        }
        return Advantages.broadcast(a, r.lengths());
    }
}
