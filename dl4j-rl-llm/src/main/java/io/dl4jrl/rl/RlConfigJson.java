package io.dl4jrl.rl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.checkpoint.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An {@link RlConfig} as a JSON file: what a sweep writes for its best candidate and what {@code train --config}
 * reads. A file may be partial: its fields are laid over the preset of its {@code algorithm} (GRPO when absent),
 * nested objects ({@code vine}, {@code replay}, {@code memory}) field by field, so {@code {"algorithm":"rloo",
 * "learningRate":1e-4}} is a whole configuration. Unknown fields and invalid values are errors that name the file
 * and the field.
 *
 * <p>Files written before the settings were grouped ({@code loss}, {@code optimization}, {@code sampling},
 * {@code evaluation}, {@code diagnostics}) have those fields at the top level; they load, each field moved into its
 * group ({@link #MOVED}), and a file giving a field both ways is an error naming it.
 */
public final class RlConfigJson {
    // A fraction where an integer belongs ("groupSize": 2.5) is an error, not a silent 2.
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /** Top-level fields of the flat layout, by the group they moved to. */
    static final Map<String, String> MOVED = moved();

    private RlConfigJson() {
    }

    private static Map<String, String> moved() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String f : List.of("policyLoss", "clipEpsilon", "dualClip", "aggregation", "constantLength", "klCoefficient",
                "klRewardCoefficient", "klEstimator", "entropyCoefficient", "valueCoefficient", "valueClip")) {
            m.put(f, "loss");
        }
        for (String f : List.of("learningRate", "maxGradientNorm", "epochs", "miniBatchSize", "microBatchSize", "criticWarmupIterations")) {
            m.put(f, "optimization");
        }
        for (String f : List.of("promptsPerIteration", "groupSize", "temperature", "topP", "maxNewTokens")) {
            m.put(f, "sampling");
        }
        m.put("evalEvery", "evaluation");
        m.put("evalProblems", "evaluation");
        m.put("trackPolicyShift", "diagnostics");
        m.put("gradientVarianceEvery", "diagnostics");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** {@code node} with the flat layout's top-level fields moved into their groups. */
    static ObjectNode grouped(ObjectNode node, String source) {
        ObjectNode out = node.deepCopy();
        for (Map.Entry<String, String> e : MOVED.entrySet()) {
            JsonNode v = out.remove(e.getKey());
            if (v == null) {
                continue;
            }
            JsonNode group = out.get(e.getValue());
            if (group != null && !group.isObject()) {
                throw new IllegalArgumentException(source + ": field '" + e.getValue() + "' must be an object");
            }
            ObjectNode g = group == null ? out.putObject(e.getValue()) : (ObjectNode) group;
            if (g.has(e.getKey())) {
                throw new IllegalArgumentException(source + ": field '" + e.getKey() + "' is given twice: at the top level (the layout before "
                        + "settings were grouped) and as '" + e.getValue() + "." + e.getKey() + "'");
            }
            g.set(e.getKey(), v);
        }
        return out;
    }

    public static ObjectNode toJson(RlConfig config) {
        return JSON.valueToTree(config);
    }

    /** Writes the whole configuration (every field) atomically: a temporary file renamed over the target. */
    public static void write(Path file, RlConfig config) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(toJson(config)) + "\n");
    }

    public static RlConfig read(Path file) throws IOException {
        JsonNode node;
        try {
            io.dl4jrl.checkpoint.ReadableFiles.require(file, "RL configuration file");
            node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ":" + e.getLocation().getLineNr() + ": not JSON: " + e.getOriginalMessage(), e);
        }
        return fromJson(node, file.toString());
    }

    /** @param source names the origin in error messages (a file name) */
    public static RlConfig fromJson(JsonNode node, String source) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(source + ": an RL configuration must be a JSON object");
        }
        String algorithm = node.has("algorithm") ? node.get("algorithm").asText() : "grpo";
        RlConfig.Builder preset;
        try {
            preset = RlConfig.preset(algorithm);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": field 'algorithm': " + e.getMessage(), e);
        }
        ObjectNode merged = toJson(preset.build());
        overlay(merged, grouped((ObjectNode) node, source), "", source);
        try {
            return JSON.treeToValue(merged, RlConfig.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
                    ? " field '" + pathOf(m.getPath()) + "':" : "";
            throw new IllegalArgumentException(source + ":" + field + " " + cause.getMessage(), e);
        }
    }

    private static String pathOf(List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path) {
        List<String> names = new ArrayList<>();
        for (var r : path) {
            if (r.getFieldName() != null) {
                names.add(r.getFieldName());
            }
        }
        return String.join(".", names);
    }

    /** Lays {@code top}'s fields over {@code base}, recursing into objects; a field {@code base} lacks is an error. */
    private static void overlay(ObjectNode base, ObjectNode top, String prefix, String source) {
        Iterator<Map.Entry<String, JsonNode>> fields = top.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = prefix + f.getKey();
            JsonNode known = base.get(f.getKey());
            if (known == null) {
                List<String> names = new ArrayList<>();
                base.fieldNames().forEachRemaining(names::add);
                throw new IllegalArgumentException(source + ": unknown field '" + name + "' (known: " + String.join(", ", names) + ")");
            }
            if (known.isObject()) {
                if (!f.getValue().isObject()) {
                    throw new IllegalArgumentException(source + ": field '" + name + "' must be an object");
                }
                overlay((ObjectNode) known, (ObjectNode) f.getValue(), name + ".", source);
            } else {
                base.set(f.getKey(), f.getValue());
            }
        }
    }
}
