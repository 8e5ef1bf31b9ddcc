package io.dl4jrl.pref;

/**
 * Reward-model training settings.
 *
 * @param steps           optimizer steps
 * @param pairsPerBatch   preference pairs per step (2× sequences)
 * @param learningRate    Adam peak learning rate (linear warm-up, then linear decay to 0)
 * @param warmupSteps     warm-up steps
 * @param margin          Bradley-Terry margin m in −log σ(r_w − r_l − m); 0 = plain Bradley-Terry
 * @param centeringWeight weight of the reward-centring term λ·mean((r_w + r_l)²) (TRL's center_rewards_coefficient; 0 = off)
 * @param evalEvery       steps between held-out pairwise-accuracy evaluations (0 = only at the end)
 * @param maxGradientNorm global gradient-norm clip (0 = off)
 * @param seed            data-order seed
 */
public record RewardModelConfig(int steps, int pairsPerBatch, double learningRate, int warmupSteps, double margin,
                                double centeringWeight, int evalEvery, double maxGradientNorm, long seed) {
    public RewardModelConfig {
        if (steps <= 0) throw new IllegalArgumentException("steps must be positive, got " + steps);
        if (pairsPerBatch <= 0) throw new IllegalArgumentException("pairsPerBatch must be positive, got " + pairsPerBatch);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
        }
        if (warmupSteps < 0 || warmupSteps >= steps) throw new IllegalArgumentException("warmupSteps must be in [0, steps), got " + warmupSteps);
        if (!(margin >= 0)) throw new IllegalArgumentException("margin must be >= 0, got " + margin);
        if (!(centeringWeight >= 0)) throw new IllegalArgumentException("centeringWeight must be >= 0, got " + centeringWeight);
        if (evalEvery < 0) throw new IllegalArgumentException("evalEvery must be >= 0, got " + evalEvery);
        if (!(maxGradientNorm >= 0)) throw new IllegalArgumentException("maxGradientNorm must be >= 0, got " + maxGradientNorm);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int steps = 300;
        private int pairsPerBatch = 16;
        private double learningRate = 1e-4;
        private int warmupSteps = 20;
        private double margin = 0;
        private double centeringWeight = 0.01;
        private int evalEvery = 50;
        private double maxGradientNorm = 1.0;
        private long seed = 1;

        public Builder steps(int v) { steps = v; return this; }
        public Builder pairsPerBatch(int v) { pairsPerBatch = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder margin(double v) { margin = v; return this; }
        public Builder centeringWeight(double v) { centeringWeight = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        public Builder maxGradientNorm(double v) { maxGradientNorm = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public RewardModelConfig build() {
            return new RewardModelConfig(steps, pairsPerBatch, learningRate, warmupSteps, margin, centeringWeight, evalEvery,
                    maxGradientNorm, seed);
        }
    }
}
