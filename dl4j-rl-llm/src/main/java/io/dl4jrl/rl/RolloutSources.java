package io.dl4jrl.rl;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Rollout sources by name. Built in: {@code replay} (RRL, on when {@link RlConfig#replay()} is enabled); with none
 * on, a run samples {@link FreshPrompts}. At most one source may be on.
 */
public final class RolloutSources {
    private static final PluginRegistry<RolloutSource> REGISTRY = new PluginRegistry<>("rollout source");

    static {
        register("replay", run -> run.config().replay().enabled() ? Optional.of(new ReplaySource(run.config().replay())) : Optional.empty());
    }

    private RolloutSources() {
    }

    public static void register(String name, Function<RlRun, Optional<RolloutSource>> factory) {
        REGISTRY.register(name, factory);
    }

    /** The run's source: the one its options turn on, else fresh prompts. */
    public static RolloutSource forRun(RlRun run) {
        List<RolloutSource> on = REGISTRY.enabled(run);
        if (on.size() > 1) {
            throw new IllegalArgumentException("at most one rollout source may be on, got " + on.stream().map(RlPlugin::name).toList());
        }
        return on.isEmpty() ? new FreshPrompts() : on.get(0);
    }

    public static Set<String> names() {
        return REGISTRY.names();
    }
}
