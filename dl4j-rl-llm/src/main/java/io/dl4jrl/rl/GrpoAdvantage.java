package io.dl4jrl.rl;

/**
 * GRPO's group-normalised outcome advantage (Shao et al., 2024): A_i = (r_i − mean(r)) / (std(r) + ε) over
 * the G responses to one prompt (unbiased std); with {@code scaleByStd} false it is Dr. GRPO's
 * A_i = r_i − mean(r) (Liu et al., 2025). A group whose rewards are all equal gets A = 0.
 */
public record GrpoAdvantage(boolean scaleByStd, double epsilon) implements AdvantageEstimator {

    public GrpoAdvantage() {
        this(true, 1e-6);
    }

    @Override
    public int minimumGroupSize() {
        return 2; // the baseline is the group's other responses
    }

    @Override
    public String name() {
        return scaleByStd ? "grpo" : "dr-grpo";
    }

    @Override
    public Advantages estimate(RolloutGroups r) {
        int g = r.groupSize();
        double[] a = new double[r.size()];
        for (int p = 0; p < r.groups(); p++) {
            double mean = 0;
            for (int j = 0; j < g; j++) {
                mean += r.outcomes()[p * g + j];
            }
            mean /= g;
            double var = 0;
            for (int j = 0; j < g; j++) {
                double d = r.outcomes()[p * g + j] - mean;
                var += d * d;
            }
            double std = g > 1 ? Math.sqrt(var / (g - 1)) : 0.0;
            for (int j = 0; j < g; j++) {
                double centred = r.outcomes()[p * g + j] - mean;
                a[p * g + j] = scaleByStd ? centred / (std + epsilon) : centred;
            }
        }
        return Advantages.broadcast(a, r.lengths());
    }
}
