package io.dl4jrl.memory;

/**
 * Settings of Memory-R+ intrinsic rewards (Le et al., 2025, arXiv 2504.02273). Off unless {@code enabled}.
 *
 * @param enabled            bonuses on
 * @param neighbours         k nearest question keys retrieved (the authors' default 1)
 * @param exploitCoefficient weight of the exploitation bonus (closeness to past successful reasoning; paper: 1)
 * @param exploreCoefficient weight of the exploration bonus (novelty against past failures; paper: 1; 0 = Memory-R)
 * @param decayIterations    both weights fall linearly to 0 over this many iterations (0 = constant)
 * @param perKeyCapacity     reasoning embeddings kept per question key (FIFO)
 * @param maxKeys            question keys kept per memory (FIFO)
 * @param minFailureKeys     the exploration bonus stays 0 until the failure memory holds this many keys (authors: 500
 *                           in runs far longer than ours)
 * @param window             running window of raw distances/novelties for min–max normalisation
 */
public record MemoryConfig(boolean enabled, int neighbours, double exploitCoefficient, double exploreCoefficient,
                           int decayIterations, int perKeyCapacity, int maxKeys, int minFailureKeys, int window) implements java.io.Serializable {

    public MemoryConfig {
        if (neighbours < 1) throw new IllegalArgumentException("neighbours (k) must be >= 1, got " + neighbours);
        if (exploitCoefficient < 0 || exploreCoefficient < 0) {
            throw new IllegalArgumentException("bonus coefficients must be >= 0, got " + exploitCoefficient + ", " + exploreCoefficient);
        }
        if (decayIterations < 0) throw new IllegalArgumentException("decayIterations must be >= 0, got " + decayIterations);
        if (perKeyCapacity < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("perKeyCapacity and maxKeys must be >= 1, got " + perKeyCapacity + ", " + maxKeys);
        }
        if (minFailureKeys < 0) throw new IllegalArgumentException("minFailureKeys must be >= 0, got " + minFailureKeys);
        if (window < 2) throw new IllegalArgumentException("window must be >= 2, got " + window);
    }

    public static MemoryConfig off() {
        return builder().enabled(false).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().enabled(enabled).neighbours(neighbours).exploitCoefficient(exploitCoefficient)
                .exploreCoefficient(exploreCoefficient).decayIterations(decayIterations).perKeyCapacity(perKeyCapacity)
                .maxKeys(maxKeys).minFailureKeys(minFailureKeys).window(window);
    }

    /** The weight factor at {@code iteration}: 1, falling linearly to 0 over {@code decayIterations} when set. */
    public double decay(long iteration) {
        return decayIterations == 0 ? 1.0 : Math.max(0.0, 1.0 - (double) iteration / decayIterations);
    }

    public static final class Builder {
        private boolean enabled = true;
        private int neighbours = 1;
        private double exploitCoefficient = 1.0;
        private double exploreCoefficient = 1.0;
        private int decayIterations = 0;
        private int perKeyCapacity = 8;
        private int maxKeys = 4096;
        private int minFailureKeys = 50;
        private int window = 1024;

        public Builder enabled(boolean v) { enabled = v; return this; }
        public Builder neighbours(int v) { neighbours = v; return this; }
        public Builder exploitCoefficient(double v) { exploitCoefficient = v; return this; }
        public Builder exploreCoefficient(double v) { exploreCoefficient = v; return this; }
        public Builder decayIterations(int v) { decayIterations = v; return this; }
        public Builder perKeyCapacity(int v) { perKeyCapacity = v; return this; }
        public Builder maxKeys(int v) { maxKeys = v; return this; }
        public Builder minFailureKeys(int v) { minFailureKeys = v; return this; }
        public Builder window(int v) { window = v; return this; }

        public MemoryConfig build() {
            return new MemoryConfig(enabled, neighbours, exploitCoefficient, exploreCoefficient, decayIterations, perKeyCapacity,
                    maxKeys, minFailureKeys, window);
        }
    }
}
