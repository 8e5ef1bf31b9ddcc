package io.dl4jrl.rl;

import io.dl4jrl.graphs.rl.CispoLoss;
import io.dl4jrl.graphs.rl.GspoLoss;
import io.dl4jrl.graphs.rl.PolicyLoss;
import io.dl4jrl.graphs.rl.PpoClipLoss;
import io.dl4jrl.graphs.rl.VanillaPolicyGradientLoss;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The registry of policy losses by name, which {@link RlLoss#policyLoss()} names. Built in (docs/algorithms.md):
 * {@code ppo-clip} (PPO's clipped surrogate, with DAPO's decoupled bounds and the dual clip when set), {@code gspo}
 * (GSPO's sequence-level ratio, clipped per sequence), {@code cispo} (CISPO's clipped, stop-gradient importance weight
 * on the REINFORCE gradient) and {@code vanilla-pg} (the plain policy gradient −A·log π); the clip bounds of all three
 * come from {@link RlLoss#clipEpsilon()} (low) and {@link RlLoss#clipEpsilonHigh()} (high). A factory reads its settings from the run's config and is given null when asked for
 * its defaults (to validate a config before a run exists); add a loss with {@link #register}.
 */
public final class PolicyLosses {
    private static final Map<String, Function<RlConfig, PolicyLoss>> REGISTRY = new ConcurrentHashMap<>();

    static {
        register("ppo-clip", c -> c == null ? new PpoClipLoss()
                : new PpoClipLoss(c.loss().clipEpsilon(), c.loss().clipEpsilonHighOrLow(), c.loss().dualClip()));
        register("gspo", c -> c == null ? new GspoLoss() : new GspoLoss(c.loss().clipEpsilon(), c.loss().clipEpsilonHighOrLow()));
        register("cispo", c -> c == null ? new CispoLoss() : new CispoLoss(c.loss().clipEpsilon(), c.loss().clipEpsilonHighOrLow()));
        register("vanilla-pg", c -> new VanillaPolicyGradientLoss());
    }

    private PolicyLosses() {
    }

    public static void register(String name, Function<RlConfig, PolicyLoss> factory) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("policy loss name must be non-empty");
        }
        REGISTRY.put(name, java.util.Objects.requireNonNull(factory, "factory"));
    }

    /** The loss of a run, with the run's settings. */
    public static PolicyLoss create(String name, RlConfig config) {
        Function<RlConfig, PolicyLoss> f = REGISTRY.get(name);
        if (f == null) {
            throw new IllegalArgumentException("policyLoss '" + name + "' is not registered; known: " + names());
        }
        return f.apply(config);
    }

    /** The loss with its default settings. */
    public static PolicyLoss create(String name) {
        return create(name, null);
    }

    public static Set<String> names() {
        return new TreeMap<>(REGISTRY).keySet();
    }
}
