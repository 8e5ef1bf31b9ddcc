package io.dl4jrl.rl;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Group filters by name. Built in: {@code dynamic-sampling} (DAPO's, on when {@link RlSampling#dynamicSampling()} is). */
public final class GroupFilters {
    private static final PluginRegistry<GroupFilter> REGISTRY = new PluginRegistry<>("group filter");

    static {
        register("dynamic-sampling", run -> run.config().sampling().dynamicSampling() ? Optional.of(new DynamicSampling()) : Optional.empty());
    }

    private GroupFilters() {
    }

    public static void register(String name, Function<RlRun, Optional<GroupFilter>> factory) {
        REGISTRY.register(name, factory);
    }

    public static List<GroupFilter> forRun(RlRun run) {
        return REGISTRY.enabled(run);
    }

    public static Set<String> names() {
        return REGISTRY.names();
    }
}
