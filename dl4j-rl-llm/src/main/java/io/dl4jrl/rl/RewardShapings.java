package io.dl4jrl.rl;

import io.dl4jrl.memory.MemoryShaping;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reward shapings by name. Built in: {@code overlong} (DAPO's soft overlong punishment, on when {@link RlConfig#overlong()}
 * is) and {@code memory} (Memory-R+, on when {@link RlConfig#memory()} is enabled).
 */
public final class RewardShapings {
    private static final PluginRegistry<RewardShaping> REGISTRY = new PluginRegistry<>("reward shaping");

    static {
        register("overlong", run -> run.config().overlong().enabled() ? Optional.of(new OverlongShaping(run)) : Optional.empty());
        register("memory", run -> run.config().memory().enabled() ? Optional.of(new MemoryShaping(run)) : Optional.empty());
    }

    private RewardShapings() {
    }

    public static void register(String name, Function<RlRun, Optional<RewardShaping>> factory) {
        REGISTRY.register(name, factory);
    }

    public static List<RewardShaping> forRun(RlRun run) {
        return REGISTRY.enabled(run);
    }

    public static Set<String> names() {
        return REGISTRY.names();
    }
}
