package io.dl4jrl.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The health signals by name, each built from the thresholds of a {@link HealthConfig}. Built in:
 * {@code entropy_collapse}, {@code kl_blowup}, {@code reward_hacking}, {@code reward_collapse}, {@code length_explosion},
 * {@code length_collapse}, {@code clip_saturation}, {@code sampler_mismatch}. Add one with {@link #register}.
 */
public final class HealthSignals {
    private static final Map<String, Function<HealthConfig, HealthSignal>> REGISTRY = new LinkedHashMap<>();

    static {
        register("entropy_collapse", EntropyCollapse::new);
        register("kl_blowup", KlBlowUp::new);
        register("reward_hacking", RewardHacking::new);
        register("reward_collapse", RewardCollapse::new);
        register("length_explosion", LengthExplosion::new);
        register("length_collapse", LengthCollapse::new);
        register("clip_saturation", ClipSaturation::new);
        register("sampler_mismatch", SamplerMismatch::new);
    }

    private HealthSignals() {
    }

    public static synchronized void register(String name, Function<HealthConfig, HealthSignal> factory) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("health signal name must be non-empty");
        }
        REGISTRY.put(name, java.util.Objects.requireNonNull(factory, "factory"));
    }

    /** Fresh instances of every registered signal. */
    public static synchronized List<HealthSignal> all(HealthConfig config) {
        List<HealthSignal> out = new ArrayList<>();
        REGISTRY.values().forEach(f -> out.add(f.apply(config)));
        return out;
    }

    public static synchronized Set<String> names() {
        return new java.util.LinkedHashSet<>(REGISTRY.keySet());
    }

    /** The metrics the signals read, in registration order without repeats (what {@code compare --health} plots). */
    public static List<String> metrics() {
        List<String> m = new ArrayList<>();
        for (HealthSignal s : all(HealthConfig.defaults())) {
            if (!m.contains(s.metric())) {
                m.add(s.metric());
            }
        }
        return m;
    }
}
