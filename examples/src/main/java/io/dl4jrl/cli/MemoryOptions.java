package io.dl4jrl.cli;

import io.dl4jrl.memory.MemoryConfig;
import picocli.CommandLine.Option;

/** Memory-R+ episodic-memory intrinsic rewards on top of any preset. */
final class MemoryOptions {
    @Option(names = "--memory", description = "Memory-R+: add episodic-memory exploitation and exploration bonuses to the reward")
    boolean enabled;
    @Option(names = "--memory-k", description = "Memory-R+: nearest question keys retrieved (default: 1)")
    Integer neighbours;
    @Option(names = "--exploit-bonus", description = "Memory-R+: exploitation weight (default: 1)")
    Double exploit;
    @Option(names = "--explore-bonus", description = "Memory-R+: exploration weight, 0 = Memory-R (default: 1)")
    Double explore;
    @Option(names = "--memory-decay", description = "Memory-R+: weights fall linearly to 0 over N iterations, 0 = never (default: 0)")
    Integer decay;
    @Option(names = "--memory-min-failure-keys", description = "Memory-R+: failure keys needed before exploring (default: 50)")
    Integer minFailureKeys;
    @Option(names = "--embedder", description = "Memory-R+: how questions and reasoning are embedded: pooled-hidden (the policy's "
            + "own mean-pooled hidden states) or minilm (all-MiniLM-L6-v2, the paper's sentence encoder) (default: ${DEFAULT-VALUE})")
    String embedder = "pooled-hidden";

    /** The embedder {@code --embedder} names, or null for the default (the memory builds its pooled-hidden one). */
    io.dl4jrl.memory.ResponseEmbedder embedder(io.dl4jrl.text.Tokenizer tokenizer) {
        switch (embedder) {
            case "pooled-hidden":
                return null;
            case "minilm":
                if (!enabled) {
                    throw new IllegalArgumentException("--embedder minilm embeds for Memory-R+; give --memory too");
                }
                return new io.dl4jrl.minilm.MiniLmEmbedder(tokenizer);
            default:
                throw new IllegalArgumentException("--embedder must be pooled-hidden or minilm, got '" + embedder + "'");
        }
    }

    MemoryConfig config() {
        return config(MemoryConfig.off());
    }

    /** @param base settings from a configuration file (or off): kept unless {@code --memory} turns bonuses on here */
    MemoryConfig config(MemoryConfig base) {
        if (!enabled) {
            return base;
        }
        MemoryConfig.Builder b = base.enabled() ? base.toBuilder() : MemoryConfig.builder();
        if (neighbours != null) b.neighbours(neighbours);
        if (exploit != null) b.exploitCoefficient(exploit);
        if (explore != null) b.exploreCoefficient(explore);
        if (decay != null) b.decayIterations(decay);
        if (minFailureKeys != null) b.minFailureKeys(minFailureKeys);
        return b.build();
    }
}
