package io.dl4jrl.rl;

/**
 * How an RL run samples its rollouts.
 *
 * @param promptsPerIteration prompts sampled per iteration
 * @param groupSize           responses per prompt (G)
 * @param temperature         sampling temperature (log-probs are computed at it too)
 * @param topP                nucleus sampling
 * @param maxNewTokens        response budget
 * @param dynamicSampling     DAPO's dynamic sampling: groups whose rewards are all equal (all right or all wrong: every
 *                            advantage 0) are dropped and more prompts drawn until the batch is full
 * @param maxSamplingRounds   the cap on dynamic sampling's draws per iteration (the first included); a batch still short
 *                            after it trains on the groups it has
 */
public record RlSampling(int promptsPerIteration, int groupSize, double temperature, double topP, int maxNewTokens,
                         boolean dynamicSampling, int maxSamplingRounds) implements java.io.Serializable {

    /** Above this the logits are flattened to noise (and 1/T underflows long before 1e308). */
    public static final double MAX_TEMPERATURE = 100;

    public RlSampling {
        positive("promptsPerIteration", promptsPerIteration);
        positive("groupSize", groupSize);
        positive("maxNewTokens", maxNewTokens);
        positive("maxSamplingRounds", maxSamplingRounds);
        if ((long) promptsPerIteration * groupSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("promptsPerIteration x groupSize = " + (long) promptsPerIteration * groupSize
                    + " rollouts per iteration, more than " + Integer.MAX_VALUE);
        }
        if (!(temperature > 0) || temperature > MAX_TEMPERATURE) {
            throw new IllegalArgumentException("temperature must be in (0, " + MAX_TEMPERATURE + "] for RL sampling, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
    }

    /** Rollouts per iteration. */
    public int batchSize() {
        return promptsPerIteration * groupSize;
    }

    static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }
}
