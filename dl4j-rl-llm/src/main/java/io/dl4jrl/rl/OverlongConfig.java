package io.dl4jrl.rl;

/**
 * DAPO's overlong reward shaping (Yu et al., 2025; docs/algorithms.md, "DAPO", eq. 13): with the response budget
 * {@code L_max} ({@link RlSampling#maxNewTokens()}) and a buffer of its last {@code L_cache} tokens, a response of
 * length {@code |y|} gets {@code penalty · R_length}, where {@code R_length} is 0 up to {@code L_max − L_cache},
 * {@code ((L_max − L_cache) − |y|) / L_cache} inside the buffer (falling linearly to −1 at the budget), and −1 for a
 * response the budget cut off. The buffer is a share of the budget, so it follows {@code --max-new-tokens}: the paper's
 * 4,096 of 20,480 tokens is 0.2. Off when {@code bufferFraction} is 0.
 *
 * @param bufferFraction L_cache / L_max: 0 (off) or in (0, 1]; L_cache is rounded to whole tokens, at least 1
 * @param penalty        the weight of the length reward (1: the paper's, on a 0/1 correctness reward)
 */
public record OverlongConfig(double bufferFraction, double penalty) implements java.io.Serializable {

    public OverlongConfig {
        if (!(bufferFraction >= 0 && bufferFraction <= 1)) {
            throw new IllegalArgumentException("overlong bufferFraction must be in [0, 1] (0: off), got " + bufferFraction);
        }
        if (!(penalty >= 0) || Double.isInfinite(penalty)) {
            throw new IllegalArgumentException("overlong penalty must be a finite number >= 0, got " + penalty);
        }
    }

    public static OverlongConfig off() {
        return new OverlongConfig(0, 1.0);
    }

    public boolean enabled() {
        return bufferFraction > 0 && penalty > 0;
    }

    /** L_cache in tokens for a budget of {@code maxNewTokens}. */
    public int bufferLength(int maxNewTokens) {
        return Math.max(1, (int) Math.round(bufferFraction * maxNewTokens));
    }

    /**
     * penalty · R_length of a response of {@code length} tokens under the budget {@code maxNewTokens} (0 when off).
     *
     * @param truncated whether the budget cut the response off
     */
    public double reward(int length, boolean truncated, int maxNewTokens) {
        if (!enabled()) {
            return 0;
        }
        if (truncated || length > maxNewTokens) {
            return -penalty;
        }
        int cache = bufferLength(maxNewTokens);
        int free = maxNewTokens - cache;
        return length <= free ? 0 : penalty * (double) (free - length) / cache;
    }
}
