package io.dl4jrl.policy;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model types a checkpoint may name, by {@link ModelSpec#type()}. The built-in transformer is registered, and
 * so is every {@link CausalLmType} listed as a Java service on the class path; a program may also register a factory
 * for each model of its own, once, before loading or copying it:
 * <pre>{@code
 * CausalLms.register("tiny-attention", s -> TinyAttention.build(s.get("width").asInt()));
 * CausalLm policy = CausalLms.create(ModelSpec.of("tiny-attention", Map.of("width", 32)));
 * }</pre>
 */
public final class CausalLms {
    private static final Map<String, CausalLmFactory> FACTORIES = new ConcurrentHashMap<>();

    static {
        register(ModelSpec.TRANSFORMER, s -> new TransformerPolicy(ModelSpec.of(ModelSpec.TRANSFORMER, s).transformerConfig()));
        for (CausalLmType t : java.util.ServiceLoader.load(CausalLmType.class)) {
            register(t.type(), t);
        }
    }

    private CausalLms() {
    }

    /** Registers (or replaces) the factory of {@code type}. */
    public static void register(String type, CausalLmFactory factory) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("model type must be a non-empty name");
        }
        FACTORIES.put(type, java.util.Objects.requireNonNull(factory, "factory"));
    }

    public static boolean isRegistered(String type) {
        return FACTORIES.containsKey(type);
    }

    public static Set<String> types() {
        return new TreeSet<>(FACTORIES.keySet());
    }

    /** A freshly initialised model of {@code spec}; the factory's result must report the same spec. */
    public static CausalLm create(ModelSpec spec) {
        CausalLmFactory f = FACTORIES.get(spec.type());
        if (f == null) {
            throw new IllegalArgumentException("no model factory registered for type '" + spec.type() + "' (registered: " + types()
                    + "); call CausalLms.register(\"" + spec.type() + "\", settings -> ...) before loading or copying it");
        }
        CausalLm model = f.create(spec.settings());
        if (!model.spec().sameShape(spec)) {
            throw new IllegalStateException("the factory of model type '" + spec.type() + "' built a model of spec " + model.spec()
                    + " from " + spec);
        }
        return model;
    }
}
