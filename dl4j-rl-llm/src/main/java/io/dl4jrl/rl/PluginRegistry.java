package io.dl4jrl.rl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Named factories of one kind of RL-loop plug-in. A factory reads the run (its config's option block) and returns
 * the plug-in when its options turn it on, empty otherwise; registration order is the order plug-ins run in.
 */
final class PluginRegistry<P extends RlPlugin> {
    private final String kind;
    private final Map<String, Function<RlRun, Optional<P>>> factories = new LinkedHashMap<>();

    PluginRegistry(String kind) {
        this.kind = kind;
    }

    synchronized void register(String name, Function<RlRun, Optional<P>> factory) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(kind + " name must be non-empty");
        }
        factories.put(name, java.util.Objects.requireNonNull(factory, "factory"));
    }

    /** The plug-ins the run's options turn on, in registration order. */
    synchronized List<P> enabled(RlRun run) {
        List<P> out = new ArrayList<>();
        factories.values().forEach(f -> f.apply(run).ifPresent(out::add));
        return out;
    }

    synchronized Set<String> names() {
        return new java.util.LinkedHashSet<>(factories.keySet());
    }
}
