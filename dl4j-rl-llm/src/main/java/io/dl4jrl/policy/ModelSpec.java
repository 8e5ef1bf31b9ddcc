package io.dl4jrl.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.graphs.TransformerConfig;

import java.util.Objects;

/**
 * What a checkpoint records about its model so that it can be rebuilt: a type name, looked up in
 * {@link CausalLms}, and the settings that type's factory reads. The built-in transformer is type
 * {@value #TRANSFORMER} with a {@link TransformerConfig} as its settings; a user's own model registers a type of
 * its own and writes whatever settings its builder needs.
 *
 * @param type     the factory's registered name
 * @param settings a JSON object the factory reads (never null; empty when the model needs none)
 */
public record ModelSpec(String type, JsonNode settings) {
    /** Type name of the built-in GPT-2 / Llama transformer. */
    public static final String TRANSFORMER = "transformer";
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelSpec {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("model type must be a non-empty name");
        }
        if (settings != null && !settings.isObject()) {
            throw new IllegalArgumentException("settings of model type '" + type + "' must be a JSON object, got " + settings.getNodeType());
        }
        settings = settings == null ? JSON.createObjectNode() : normalized(settings);
    }

    /**
     * The settings as parsed from their JSON text, so that a spec built in memory equals the same spec read from a
     * checkpoint (Jackson's nodes compare by node type: a long 1 from an object is not the int 1 of parsed text).
     */
    private static JsonNode normalized(JsonNode settings) {
        try {
            return JSON.readTree(JSON.writeValueAsString(settings));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("settings are not serialisable JSON: " + e.getMessage(), e);
        }
    }

    /** The built-in transformer of {@code config}. */
    public static ModelSpec of(TransformerConfig config) {
        return new ModelSpec(TRANSFORMER, JSON.valueToTree(Objects.requireNonNull(config, "config")));
    }

    /** A model of {@code type} with {@code settings} (any Jackson-serialisable object or a JsonNode). */
    public static ModelSpec of(String type, Object settings) {
        return new ModelSpec(type, settings instanceof JsonNode n ? n : JSON.valueToTree(settings));
    }

    public boolean isTransformer() {
        return TRANSFORMER.equals(type);
    }

    /** The transformer config of a {@value #TRANSFORMER} spec; a clear error for any other type. */
    public TransformerConfig transformerConfig() {
        if (!isTransformer()) {
            throw new IllegalStateException("model type '" + type + "' is not the built-in transformer");
        }
        try {
            return JSON.treeToValue(settings, TransformerConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("transformer settings are not a valid TransformerConfig: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a checkpoint of this spec fits a model of {@code other}: the same type and, for the transformer,
     * the same shape ({@link TransformerConfig#sameShape}: initialisation seed and scale do not matter); for other
     * types the same settings.
     */
    public boolean sameShape(ModelSpec other) {
        if (!type.equals(other.type)) {
            return false;
        }
        return isTransformer() ? transformerConfig().sameShape(other.transformerConfig()) : settings.equals(other.settings);
    }

    /** The form a checkpoint stores: {@code {"type": ..., "settings": {...}}}. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type);
        n.set("settings", settings);
        return n;
    }

    /**
     * Reads {@link #toJson}'s form; a bare {@link TransformerConfig} object (checkpoints written before model
     * types existed) reads as a transformer spec.
     */
    public static ModelSpec fromJson(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + ": field 'model' must be an object");
        }
        if (n.has("type") && n.has("settings")) {
            return new ModelSpec(n.get("type").asText(), n.get("settings"));
        }
        return new ModelSpec(TRANSFORMER, n);
    }

    @Override
    public String toString() {
        return type + settings;
    }
}
