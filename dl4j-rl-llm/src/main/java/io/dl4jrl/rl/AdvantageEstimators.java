package io.dl4jrl.rl;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The registry of advantage estimators by name, so a config names one and a user adds their own with
 * {@link #register}. Built in: gae, grpo, dr-grpo, rloo, reinforce++, opo, vineppo. An estimator with settings
 * of its own reads them from the run's {@link RlConfig} (vineppo reads {@link RlConfig#vine()}).
 */
public final class AdvantageEstimators {
    private record Entry(boolean needsCritic, Function<RlConfig, AdvantageEstimator> factory) {
    }

    private static final Map<String, Entry> REGISTRY = new ConcurrentHashMap<>();

    static {
        register("gae", GaeAdvantage::new);
        register("grpo", GrpoAdvantage::new);
        register("dr-grpo", () -> new GrpoAdvantage(false, 0));
        register("rloo", RlooAdvantage::new);
        register("reinforce++", ReinforcePlusPlusAdvantage::new);
        register("opo", OpoAdvantage::new);
        register("vineppo", false, config -> new VinePpoAdvantage(config == null ? VineConfig.defaults() : config.vine()));
    }

    private AdvantageEstimators() {
    }

    /** An estimator without settings from the run's config. */
    public static void register(String name, Supplier<AdvantageEstimator> factory) {
        REGISTRY.put(name, new Entry(factory.get().needsCritic(), config -> factory.get()));
    }

    /**
     * An estimator built from the run's config. {@code needsCritic} is declared because configs are validated
     * against it before one exists; the factory is given null when asked for the estimator's defaults.
     */
    public static void register(String name, boolean needsCritic, Function<RlConfig, AdvantageEstimator> factory) {
        REGISTRY.put(name, new Entry(needsCritic, factory));
    }

    /** The estimator for a run. */
    public static AdvantageEstimator create(String name, RlConfig config) {
        return entry(name).factory().apply(config);
    }

    /** The estimator with its default settings. */
    public static AdvantageEstimator create(String name) {
        return create(name, null);
    }

    public static boolean needsCritic(String name) {
        return entry(name).needsCritic();
    }

    private static Entry entry(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no advantage estimator '" + name + "'; known: " + names());
        }
        return e;
    }

    public static Set<String> names() {
        return new TreeMap<>(REGISTRY).keySet();
    }
}
