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
