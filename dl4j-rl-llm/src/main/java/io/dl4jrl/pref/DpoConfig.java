package io.dl4jrl.pref;

import io.dl4jrl.graphs.pref.DpoLoss;

/**
 * DPO-family training settings.
 *
 * @param loss            the preference loss: variant, β, label smoothing ε, SimPO γ (default DPO, β = 0.1)
 * @param chosenNllWeight α of the NLL term on the chosen responses (RPO, Pang et al., 2024, use 1); 0 = off
 * @param steps           optimizer steps
 * @param pairsPerBatch   preference pairs per step (2× sequences)
 * @param learningRate    Adam peak learning rate (linear warm-up, linear decay to 0)
 * @param warmupSteps     warm-up steps
 * @param evalEvery       steps between evaluations (held-out preference accuracy, task accuracy); 0 = only at the end
 * @param evalProblems    task problems per evaluation
 * @param maxNewTokens    generation budget of the task evaluation
 * @param maxGradientNorm global gradient-norm clip (0 = off)
 * @param seed            data-order seed
 */
public record DpoConfig(DpoLoss loss, double chosenNllWeight, int steps, int pairsPerBatch, double learningRate, int warmupSteps, int evalEvery,
                        int evalProblems, int maxNewTokens, double maxGradientNorm, long seed) {
    public DpoConfig {
        if (loss == null) throw new IllegalArgumentException("loss is required");
        if (!(chosenNllWeight >= 0)) throw new IllegalArgumentException("chosenNllWeight must be >= 0, got " + chosenNllWeight);
        if (steps <= 0) throw new IllegalArgumentException("steps must be positive, got " + steps);
        if (pairsPerBatch <= 0) throw new IllegalArgumentException("pairsPerBatch must be positive, got " + pairsPerBatch);
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
        private DpoLoss loss = DpoLoss.dpo();
        private double chosenNllWeight = 0;
        private int steps = 200;
        private int pairsPerBatch = 16;
        private double learningRate = 5e-5;
        private int warmupSteps = 10;
        private int evalEvery = 50;
        private int evalProblems = 200;
        private int maxNewTokens = 48;
        private double maxGradientNorm = 1.0;
        private long seed = 1;

        public Builder loss(DpoLoss v) { loss = v; return this; }
        public Builder chosenNllWeight(double v) { chosenNllWeight = v; return this; }
        public Builder steps(int v) { steps = v; return this; }
        public Builder pairsPerBatch(int v) { pairsPerBatch = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        public Builder evalProblems(int v) { evalProblems = v; return this; }
        public Builder maxNewTokens(int v) { maxNewTokens = v; return this; }
        public Builder maxGradientNorm(double v) { maxGradientNorm = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public DpoConfig build() {
            return new DpoConfig(loss, chosenNllWeight, steps, pairsPerBatch, learningRate, warmupSteps, evalEvery, evalProblems, maxNewTokens,
                    maxGradientNorm, seed);
        }
    }
}
