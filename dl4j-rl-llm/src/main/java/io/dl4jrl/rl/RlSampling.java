package io.dl4jrl.rl;

/**
 * How an RL run samples its rollouts.
 *
 * @param promptsPerIteration prompts sampled per iteration
 * @param groupSize           responses per prompt (G)
 * @param temperature         sampling temperature (log-probs are computed at it too)
 * @param topP                nucleus sampling
 * @param maxNewTokens        response budget
 */
public record RlSampling(int promptsPerIteration, int groupSize, double temperature, double topP, int maxNewTokens)
        implements java.io.Serializable {

    public RlSampling {
        positive("promptsPerIteration", promptsPerIteration);
        positive("groupSize", groupSize);
        positive("maxNewTokens", maxNewTokens);
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0 for RL sampling, got " + temperature);
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
