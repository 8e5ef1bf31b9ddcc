package io.dl4jrl.rl;

import io.dl4jrl.reward.CorrectnessReward;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Iteration probes by name, run in this order: {@code diversity} (always), {@code reward_hacking} (when the reward is
 * not the task's checker), {@code value_diagnostics} (every {@link VineConfig#diagnosticsEvery()} iterations) and
 * {@code gradient_variance} (every {@link RlConfig#gradientVarianceEvery()} iterations).
 */
public final class IterationProbes {
    private static final PluginRegistry<IterationProbe> REGISTRY = new PluginRegistry<>("iteration probe");

    static {
        register("diversity", run -> Optional.of(new DiversityProbe()));
        register("reward_hacking", run -> run.reward() instanceof CorrectnessReward ? Optional.empty() : Optional.of(new RewardHackingGuard()));
        register("value_diagnostics", run -> run.config().vine().diagnosticsEvery() > 0 ? Optional.of(new ValueDiagnosticsProbe()) : Optional.empty());
        register("gradient_variance", run -> run.config().diagnostics().gradientVarianceEvery() > 0 ? Optional.of(new GradientVarianceProbe()) : Optional.empty());
    }

    private IterationProbes() {
    }

    public static void register(String name, Function<RlRun, Optional<IterationProbe>> factory) {
        REGISTRY.register(name, factory);
    }

    public static List<IterationProbe> forRun(RlRun run) {
        return REGISTRY.enabled(run);
    }

    public static Set<String> names() {
        return REGISTRY.names();
    }
}
