package io.dl4jrl.sampling;

import java.util.List;

/**
 * How responses are sampled. Build with {@link #builder()}; {@link #greedy(int)} for evaluation.
 *
 * @param maxNewTokens  most tokens generated per response (the end-of-sequence token included)
 * @param temperature   logits are divided by it; 0 means greedy (argmax)
 * @param topK          keep only the k most likely tokens; 0 = off
 * @param topP          keep the smallest set of tokens whose probability reaches p (nucleus); 1 = off
 * @param stopStrings   a response ends once its text ends with one of these (the string is kept)
 * @param useKvCache    decode with the KV cache (false recomputes the prefix every step)
 * @param maxBatchSize  prompts are decoded in chunks of at most this many sequences
 */
public record SamplingConfig(int maxNewTokens, double temperature, int topK, double topP, List<String> stopStrings,
                             boolean useKvCache, int maxBatchSize) implements java.io.Serializable {

    public SamplingConfig {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0 and finite, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (maxBatchSize <= 0) {
            throw new IllegalArgumentException("maxBatchSize must be positive, got " + maxBatchSize);
        }
        stopStrings = List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stopStrings must not contain the empty string");
            }
        }
    }

    public boolean greedy() {
        return temperature == 0;
    }

    public static SamplingConfig greedy(int maxNewTokens) {
        return builder().maxNewTokens(maxNewTokens).temperature(0).build();
    }

    public Builder toBuilder() {
        return new Builder().maxNewTokens(maxNewTokens).temperature(temperature).topK(topK).topP(topP)
                .stopStrings(stopStrings).useKvCache(useKvCache).maxBatchSize(maxBatchSize);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int maxNewTokens = 64;
        private double temperature = 1.0;
        private int topK = 0;
        private double topP = 1.0;
        private List<String> stopStrings = List.of();
        private boolean useKvCache = true;
        private int maxBatchSize = 64;

        public Builder maxNewTokens(int v) { maxNewTokens = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder stopStrings(List<String> v) { stopStrings = v; return this; }
        public Builder useKvCache(boolean v) { useKvCache = v; return this; }
        public Builder maxBatchSize(int v) { maxBatchSize = v; return this; }

        public SamplingConfig build() {
            return new SamplingConfig(maxNewTokens, temperature, topK, topP, stopStrings, useKvCache, maxBatchSize);
        }
    }
}
