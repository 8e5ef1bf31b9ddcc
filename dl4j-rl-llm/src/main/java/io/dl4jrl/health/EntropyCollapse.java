package io.dl4jrl.health;

/**
 * Entropy collapse: the policy's mean token entropy on its own samples ({@code entropy}) falls below a share of the
 * run's first iteration's. A collapsed policy samples the same response to every prompt of a group, its group
 * advantages vanish and exploration stops (Cui et al., 2025, docs/algorithms.md, "Entropy and clip-higher").
 */
final class EntropyCollapse extends StartRelativeSignal {
    EntropyCollapse(HealthConfig c) {
        super("entropy", c.entropyCollapseRatio(), true);
    }

    @Override
    public String name() {
        return "entropy_collapse";
    }
}
