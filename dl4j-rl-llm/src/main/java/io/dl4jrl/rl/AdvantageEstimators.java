package io.dl4jrl.rl;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The registry of advantage estimators by name, so a config names one and a user adds their own with
 * {@link #register}. Built in: gae, grpo, dr-grpo, rloo, reinforce++, opo.
 */
public final class AdvantageEstimators {
    private static final Map<String, Supplier<AdvantageEstimator>> REGISTRY = new ConcurrentHashMap<>();

    static {
        register("gae", GaeAdvantage::new);
        register("grpo", GrpoAdvantage::new);
        register("dr-grpo", () -> new GrpoAdvantage(false, 0));
        register("rloo", RlooAdvantage::new);
        register("reinforce++", ReinforcePlusPlusAdvantage::new);
        register("opo", OpoAdvantage::new);
    }

    private AdvantageEstimators() {
    }

    public static void register(String name, Supplier<AdvantageEstimator> factory) {
        REGISTRY.put(name, factory);
    }

    public static AdvantageEstimator create(String name) {
        Supplier<AdvantageEstimator> f = REGISTRY.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no advantage estimator '" + name + "'; known: " + new TreeMap<>(REGISTRY).keySet());
        }
        return f.get();
    }

    public static java.util.Set<String> names() {
        return new TreeMap<>(REGISTRY).keySet();
    }
}
