package io.dl4jrl.train;

/**
 * Supervised warm-up settings. Build with {@link #builder()}.
 *
 * @param steps          optimizer steps
 * @param batchSize      sequences per step
 * @param learningRate   peak Adam learning rate
 * @param warmupSteps    linear warm-up from 0 to the peak, then linear decay to 0 at {@code scheduleSteps}
 * @param seed           seed of the data order; step s's batch is a pure function of (seed, s)
 * @param evalEvery      evaluate every this many steps (0 = only at the end)
 * @param evalProblems   held-out problems used by the periodic evaluations
 * @param maxNewTokens   response budget when evaluating
 * @param maxGradientNorm clip the global gradient norm to this (0 = off)
 * @param microBatchSize sequences per forward/backward pass; a step's batch runs as passes of at most this many whose
 *                       token-weighted gradients add up to the batch's (0 = the whole batch in one pass)
 * @param scheduleSteps  length of the learning-rate schedule, &gt;= steps (0 = steps): training longer than it runs stops
 *                       part-way, with the learning rate still above 0, exactly where a longer run of the same schedule
 *                       would be at that step (its checkpoint there, reproduced without the remaining steps)
 */
public record SftConfig(int steps, int batchSize, double learningRate, int warmupSteps, long seed, int evalEvery,
                        int evalProblems, int maxNewTokens, double maxGradientNorm, int microBatchSize, int scheduleSteps) {
    public SftConfig {
        if (steps <= 0) throw new IllegalArgumentException("steps must be positive, got " + steps);
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
        }
        int scheduleLength = scheduleSteps == 0 ? steps : scheduleSteps;
        if (warmupSteps < 0 || warmupSteps >= scheduleLength) {
            throw new IllegalArgumentException("warmupSteps must be in [0, " + (scheduleSteps == 0 ? "steps" : "scheduleSteps " + scheduleSteps)
                    + "), got " + warmupSteps);
        }
        if (evalEvery < 0) throw new IllegalArgumentException("evalEvery must be >= 0, got " + evalEvery);
        if (evalProblems <= 0) throw new IllegalArgumentException("evalProblems must be positive, got " + evalProblems);
        if (maxNewTokens <= 0) throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        if (!(maxGradientNorm >= 0)) throw new IllegalArgumentException("maxGradientNorm must be >= 0, got " + maxGradientNorm);
        if (microBatchSize < 0) throw new IllegalArgumentException("microBatchSize must be >= 0 (0 = the whole batch), got " + microBatchSize);
        if (scheduleSteps != 0 && scheduleSteps < steps) {
            throw new IllegalArgumentException("scheduleSteps must be 0 (= steps) or >= steps (" + steps + "), got " + scheduleSteps);
        }
    }

    /** The learning-rate schedule's length: {@link #scheduleSteps}, or {@link #steps} when that is 0. */
    public int scheduleLength() {
        return scheduleSteps == 0 ? steps : scheduleSteps;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().steps(steps).batchSize(batchSize).learningRate(learningRate).warmupSteps(warmupSteps)
                .seed(seed).evalEvery(evalEvery).evalProblems(evalProblems).maxNewTokens(maxNewTokens).maxGradientNorm(maxGradientNorm)
                .microBatchSize(microBatchSize).scheduleSteps(scheduleSteps);
    }

    public static final class Builder {
        private int steps = 400;
        private int batchSize = 32;
        private int microBatchSize = 0;
        private double learningRate = 2e-3;
        private int warmupSteps = 20;
        private long seed = 1;
        private int evalEvery = 100;
        private int evalProblems = 200;
        private int maxNewTokens = 48;
        private double maxGradientNorm = 1.0;
        private int scheduleSteps = 0;

        public Builder steps(int v) { steps = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        public Builder evalProblems(int v) { evalProblems = v; return this; }
        public Builder maxNewTokens(int v) { maxNewTokens = v; return this; }
        public Builder maxGradientNorm(double v) { maxGradientNorm = v; return this; }

        public Builder microBatchSize(int v) { microBatchSize = v; return this; }
        public Builder scheduleSteps(int v) { scheduleSteps = v; return this; }

        public SftConfig build() {
            return new SftConfig(steps, batchSize, learningRate, warmupSteps, seed, evalEvery, evalProblems, maxNewTokens, maxGradientNorm,
                    microBatchSize, scheduleSteps);
        }
    }
}
