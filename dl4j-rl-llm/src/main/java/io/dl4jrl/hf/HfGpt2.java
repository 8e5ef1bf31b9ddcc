package io.dl4jrl.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.checkpoint.AtomicFiles;
import io.dl4jrl.graphs.Activation;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.GptPolicy;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * GPT-2 in the Hugging Face layout ({@code config.json} + {@code model.safetensors} or shards) to and from the
 * built-in {@link GptPolicy}, whose graph is GPT-2's architecture with GPT-2's weight names and Conv1D
 * {@code [in, out]} layout, so loading is a validated name-for-name copy. Keys may carry GPT2LMHeadModel's
 * {@code transformer.} prefix; the attention-mask buffers ({@code attn.bias}, {@code attn.masked_bias}) are
 * skipped; a tied {@code lm_head.weight} must equal {@code wte.weight}.
 */
public final class HfGpt2 {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");

    private HfGpt2() {
    }

    /** The policy shape a GPT-2 {@code config.json} describes; unsupported settings are errors naming the field. */
    public static TransformerConfig config(Path configJson) throws IOException {
        JsonNode c;
        try {
            c = JSON.readTree(Files.readString(configJson));
        } catch (JsonProcessingException e) {
            throw new IOException(configJson + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (c == null || !c.isObject()) {
            throw new IOException(configJson + ": must be a JSON object");
        }
        String type = text(c, "model_type", null, configJson);
        if (!"gpt2".equals(type)) {
            throw new IOException(configJson + ": model_type '" + type + "' is not gpt2");
        }
        int d = integer(c, "n_embd", configJson);
        int heads = integer(c, "n_head", configJson);
        int inner = c.hasNonNull("n_inner") ? integer(c, "n_inner", configJson) : 4 * d;
        if (inner % d != 0) {
            throw new IOException(configJson + ": n_inner " + inner + " must be a multiple of n_embd " + d);
        }
        String act = text(c, "activation_function", "gelu_new", configJson);
        Activation activation = switch (act) {
            case "gelu_new", "gelu_pytorch_tanh" -> Activation.GELU_TANH;
            case "quick_gelu" -> Activation.GELU_SIGMOID;
            default -> throw new IOException(configJson + ": activation_function '" + act
                    + "' is not supported (gelu_new, gelu_pytorch_tanh, quick_gelu)");
        };
        double eps = c.has("layer_norm_epsilon") ? c.get("layer_norm_epsilon").asDouble() : 1e-5;
        for (String off : new String[]{"scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn", "add_cross_attention"}) {
            if (c.path(off).asBoolean(false)) {
                throw new IOException(configJson + ": " + off + " = true is not supported");
            }
        }
        if (!c.path("scale_attn_weights").asBoolean(true)) {
            throw new IOException(configJson + ": scale_attn_weights = false is not supported");
        }
        try {
            return TransformerConfig.builder().vocabSize(integer(c, "vocab_size", configJson))
                    .contextLength(c.has("n_positions") ? integer(c, "n_positions", configJson) : integer(c, "n_ctx", configJson))
                    .dModel(d).nLayers(integer(c, "n_layer", configJson)).nHeads(heads).mlpRatio(inner / d)
                    .tieEmbeddings(c.path("tie_word_embeddings").asBoolean(true))
                    .initStd(c.path("initializer_range").asDouble(0.02)).activation(activation).layerNormEpsilon(eps).build();
        } catch (IllegalArgumentException e) {
            throw new IOException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Loads a GPT-2 model directory into a new policy (float weights). */
    public static GptPolicy load(Path dir) throws IOException {
        TransformerConfig config = config(dir.resolve("config.json"));
        GptPolicy policy = new GptPolicy(config);
        SameDiff sd = policy.graph().sameDiff();
        Map<String, SDVariable> wanted = new LinkedHashMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                wanted.put(v.name(), v);
            }
        }
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir)) {
            Map<String, String> byOurName = new LinkedHashMap<>();
            Set<String> unexpected = new TreeSet<>();
            for (String key : weights.names()) {
                String name = key.startsWith("transformer.") ? key.substring("transformer.".length()) : key;
                if (BUFFER.matcher(name).matches()) {
                    continue;
                }
                if (name.equals("lm_head.weight") && config.tieEmbeddings()) {
                    continue; // checked against wte below
                }
                if (!wanted.containsKey(name)) {
                    unexpected.add(key);
                } else if (byOurName.put(name, key) != null) {
                    throw new IOException(dir + ": tensor '" + name + "' appears twice (with and without 'transformer.')");
                }
            }
            if (!unexpected.isEmpty()) {
                throw new IOException(dir + ": tensors a GPT-2 of this config does not have: " + unexpected);
            }
            Set<String> missing = new TreeSet<>(wanted.keySet());
            missing.removeAll(byOurName.keySet());
            if (!missing.isEmpty()) {
                throw new IOException(dir + ": missing tensors " + missing);
            }
            for (Map.Entry<String, String> e : byOurName.entrySet()) {
                INDArray target = wanted.get(e.getKey()).getArr();
                INDArray value = weights.read(e.getValue(), target.dataType());
                if (!Arrays.equals(target.shape(), value.shape())) {
                    throw new IOException(dir + ": tensor '" + e.getValue() + "' has shape " + Arrays.toString(value.shape())
                            + ", the config needs " + Arrays.toString(target.shape()));
                }
                target.assign(value);
            }
            for (String key : new String[]{"lm_head.weight", "transformer.lm_head.weight"}) {
                if (config.tieEmbeddings() && weights.names().contains(key)
                        && !weights.read(key, wanted.get("wte.weight").getArr().dataType()).equals(wanted.get("wte.weight").getArr())) {
                    throw new IOException(dir + ": tie_word_embeddings is true but " + key + " differs from wte.weight");
                }
            }
        }
        return policy;
    }

    /**
     * Writes {@code policy} as a Hugging Face GPT-2 directory ({@code config.json}, {@code model.safetensors} in
     * {@code dtype}); tokenizer files are the caller's to copy.
     */
    public static void save(GptPolicy policy, Path dir, SafetensorsDtype dtype) throws IOException {
        TransformerConfig c = policy.config();
        Files.createDirectories(dir);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (SDVariable v : policy.graph().sameDiff().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                tensors.put(v.name(), v.getArr());
            }
        }
        SafetensorsWriter.write(dir.resolve(SafetensorsWeights.SINGLE), tensors, Map.of("format", "pt"), dtype);
        ObjectNode j = JSON.createObjectNode();
        j.putArray("architectures").add("GPT2LMHeadModel");
        j.put("model_type", "gpt2");
        j.put("vocab_size", c.vocabSize());
        j.put("n_positions", c.contextLength());
        j.put("n_ctx", c.contextLength());
        j.put("n_embd", c.dModel());
        j.put("n_layer", c.nLayers());
        j.put("n_head", c.nHeads());
        j.put("n_inner", c.mlpDim());
        j.put("activation_function", c.activation() == Activation.GELU_TANH ? "gelu_new" : "quick_gelu");
        // 0 is the built-in policy's ND4J layer_norm, whose own ε is about 1e-12
        j.put("layer_norm_epsilon", c.layerNormEpsilon() == 0 ? 1e-12 : c.layerNormEpsilon());
        j.put("initializer_range", c.initStd());
        j.put("tie_word_embeddings", c.tieEmbeddings());
        j.put("torch_dtype", switch (dtype) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        });
        AtomicFiles.writeString(dir.resolve("config.json"), JSON.writeValueAsString(j) + "\n");
    }

    private static int integer(JsonNode c, String field, Path file) throws IOException {
        JsonNode v = c.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IOException(file + ": field '" + field + "' must be an integer" + (v == null ? " (missing)" : ", got " + v));
        }
        return v.asInt();
    }

    private static String text(JsonNode c, String field, String fallback, Path file) throws IOException {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) throw new IOException(file + ": field '" + field + "' is missing");
            return fallback;
        }
        if (!v.isTextual()) throw new IOException(file + ": field '" + field + "' must be a string, got " + v);
        return v.asText();
    }
}
