package io.dl4jrl.rl;

/**
 * How an RL run turns each batch of rollouts into updates.
 *
 * @param learningRate           Adam learning rate (constant)
 * @param maxGradientNorm        global gradient-norm clip (0 = off)
 * @param epochs                 passes over each batch of rollouts
 * @param miniBatchSize          sequences per gradient step (the optimisation batch)
 * @param microBatchSize         sequences per forward/backward pass: a mini-batch runs as passes of at most this many
 *                               sequences whose gradients are accumulated, weighted so that their sum is the whole
 *                               mini-batch's gradient (the memory knob: one pass's activations and [rows, vocabulary]
 *                               logits live at a time); 0 or {@code miniBatchSize} = one pass per mini-batch
 * @param criticWarmupIterations first iterations without policy-gradient updates (advantages fed as 0), so that a
 *                               freshly initialised critic does not feed GAE noise to the policy, as verl's
 *                               {@code critic_warmup}; the value loss still shapes the shared trunk, and an entropy
 *                               bonus or a k1 KL loss term would still move the policy (with a separate critic the
 *                               policy takes no step at all during warm-up)
 * @param separateCritic         the critic is its own model ({@link SeparateCritic}: a copy of the start policy with a
 *                               value head, its own Adam) instead of a value head on the policy's trunk
 * @param criticLearningRate     the separate critic's Adam learning rate; 0 = the policy's
 */
public record RlOptimization(double learningRate, double maxGradientNorm, int epochs, int miniBatchSize, int microBatchSize,
                             int criticWarmupIterations, boolean separateCritic, double criticLearningRate) implements java.io.Serializable {

    public RlOptimization {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
        }
        RlSampling.positive("epochs", epochs);
        RlSampling.positive("miniBatchSize", miniBatchSize);
        if (microBatchSize == 0) {
            microBatchSize = miniBatchSize; // absent in configs written before micro-batches existed
        }
        if (microBatchSize < 0 || microBatchSize > miniBatchSize) {
            throw new IllegalArgumentException("microBatchSize must be in [1, miniBatchSize " + miniBatchSize + "] (0 = miniBatchSize), got "
                    + microBatchSize);
        }
        if (!(criticLearningRate >= 0) || Double.isInfinite(criticLearningRate)) {
            throw new IllegalArgumentException("criticLearningRate must be a finite number >= 0 (0: the policy's), got " + criticLearningRate);
        }
        if (criticWarmupIterations < 0) {
            throw new IllegalArgumentException("criticWarmupIterations must be >= 0, got " + criticWarmupIterations);
        }
    }

    /** The critic's learning rate: {@link #criticLearningRate} when set, else the policy's. */
    public double criticLearningRateOrPolicys() {
        return criticLearningRate > 0 ? criticLearningRate : learningRate;
    }
}
