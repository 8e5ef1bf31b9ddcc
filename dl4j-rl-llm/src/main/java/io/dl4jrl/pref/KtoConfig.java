package io.dl4jrl.pref;

import io.dl4jrl.graphs.pref.KtoLoss;

/**
 * KTO training settings (docs/preference.md, "KTO").
 *
 * @param loss               β, λ_D, λ_U (default β 0.1, weights 1)
 * @param steps              optimizer steps
 * @param examplesPerBatch   unpaired examples per step; each also gets a mismatched completion for the KL estimate
 * @param learningRate       Adam peak learning rate (linear warm-up, linear decay to 0)
 * @param warmupSteps        warm-up steps
 * @param evalEvery          steps between evaluations (held-out label accuracy, task accuracy); 0 = only at the end
 * @param evalProblems       task problems per evaluation
 * @param maxNewTokens       generation budget of the task evaluation
 * @param maxGradientNorm    global gradient-norm clip (0 = off)
 * @param seed               data-order seed
 */
public record KtoConfig(KtoLoss loss, int steps, int examplesPerBatch, double learningRate, int warmupSteps, int evalEvery, int evalProblems,
                        int maxNewTokens, double maxGradientNorm, long seed) {
    public KtoConfig {
        if (loss == null) throw new IllegalArgumentException("loss is required");
        if (steps <= 0) throw new IllegalArgumentException("steps must be positive, got " + steps);
        if (examplesPerBatch < 2) {
            throw new IllegalArgumentException("examplesPerBatch must be at least 2 (the KL estimate pairs each prompt with another's "
                    + "completion), got " + examplesPerBatch);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
        }
        if (warmupSteps < 0 || warmupSteps >= steps) throw new IllegalArgumentException("warmupSteps must be in [0, steps), got " + warmupSteps);
        if (evalEvery < 0) throw new IllegalArgumentException("evalEvery must be >= 0, got " + evalEvery);
        if (evalProblems <= 0) throw new IllegalArgumentException("evalProblems must be positive, got " + evalProblems);
        if (maxNewTokens <= 0) throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        if (!(maxGradientNorm >= 0)) throw new IllegalArgumentException("maxGradientNorm must be >= 0, got " + maxGradientNorm);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private KtoLoss loss = KtoLoss.defaults();
        private int steps = 200;
        private int examplesPerBatch = 32;
        private double learningRate = 5e-5;
        private int warmupSteps = 10;
        private int evalEvery = 50;
        private int evalProblems = 200;
        private int maxNewTokens = 48;
        private double maxGradientNorm = 1.0;
        private long seed = 1;

        public Builder loss(KtoLoss v) { loss = v; return this; }
        public Builder steps(int v) { steps = v; return this; }
        public Builder examplesPerBatch(int v) { examplesPerBatch = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        public Builder evalProblems(int v) { evalProblems = v; return this; }
        public Builder maxNewTokens(int v) { maxNewTokens = v; return this; }
        public Builder maxGradientNorm(double v) { maxGradientNorm = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public KtoConfig build() {
            return new KtoConfig(loss, steps, examplesPerBatch, learningRate, warmupSteps, evalEvery, evalProblems, maxNewTokens,
                    maxGradientNorm, seed);
        }
    }
}
