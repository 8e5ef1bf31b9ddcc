package io.dl4jrl.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.checkpoint.AtomicFiles;
import io.dl4jrl.graphs.Architecture;
import io.dl4jrl.graphs.RopeScaling;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Llama-family models in the Hugging Face layout (LlamaForCausalLM as TinyLlama and SmolLM use, Qwen2ForCausalLM,
 * Mistral without sliding windows) to and from a {@link TransformerPolicy} built by the Llama graph builder; weights keep
 * Hugging Face's names, so loading is a validated name-for-name copy. What the graph does not implement is an
 * error naming the field: rope_scaling other than linear and llama3, a bias on the output or MLP projections, activations other than SiLU, a
 * head_dim other than hidden_size / num_attention_heads, sliding-window attention.
 */
public final class HfLlama {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final Set<String> MODEL_TYPES = Set.of("llama", "qwen2", "mistral");

    private HfLlama() {
    }

    public static TransformerConfig config(Path configJson) throws IOException {
        JsonNode c = HfConfigJson.read(configJson);
        String type = HfConfigJson.text(c, "model_type", null, configJson);
        if (!MODEL_TYPES.contains(type)) {
            throw new IOException(configJson + ": model_type '" + type + "' is not one of " + MODEL_TYPES);
        }
        int d = HfConfigJson.integer(c, "hidden_size", configJson);
        int heads = HfConfigJson.integer(c, "num_attention_heads", configJson);
        int kvHeads = c.hasNonNull("num_key_value_heads") ? HfConfigJson.integer(c, "num_key_value_heads", configJson) : heads;
        String act = HfConfigJson.text(c, "hidden_act", "silu", configJson);
        if (!act.equals("silu")) {
            throw new IOException(configJson + ": hidden_act '" + act + "' is not supported (silu)");
        }
        RopeScaling scaling = ropeScaling(c.get("rope_scaling"), configJson);
        if (c.path("mlp_bias").asBoolean(false)) {
            throw new IOException(configJson + ": mlp_bias = true is not supported");
        }
        if (type.equals("llama") && c.path("attention_bias").asBoolean(false)) {
            throw new IOException(configJson + ": attention_bias = true (biases on q, k, v and o) is not supported");
        }
        if (c.path("use_sliding_window").asBoolean(false) || (type.equals("mistral") && c.hasNonNull("sliding_window")
                && c.get("sliding_window").asInt() < c.path("max_position_embeddings").asInt(Integer.MAX_VALUE))) {
            throw new IOException(configJson + ": sliding-window attention is not supported");
        }
        if (c.hasNonNull("head_dim") && c.get("head_dim").asInt() * heads != d) {
            throw new IOException(configJson + ": head_dim " + c.get("head_dim") + " differs from hidden_size / num_attention_heads");
        }
        try {
            return TransformerConfig.builder().architecture(Architecture.LLAMA)
                    .vocabSize(HfConfigJson.integer(c, "vocab_size", configJson))
                    .contextLength(HfConfigJson.integer(c, "max_position_embeddings", configJson))
                    .dModel(d).nLayers(HfConfigJson.integer(c, "num_hidden_layers", configJson)).nHeads(heads).nKvHeads(kvHeads)
                    .mlpHidden(HfConfigJson.integer(c, "intermediate_size", configJson))
                    .ropeTheta(HfConfigJson.number(c, "rope_theta", 10000, configJson))
                    .layerNormEpsilon(HfConfigJson.number(c, "rms_norm_eps", 1e-6, configJson))
                    .attentionBias(type.equals("qwen2")).ropeScaling(scaling)
                    .tieEmbeddings(c.path("tie_word_embeddings").asBoolean(false))
                    .initStd(HfConfigJson.number(c, "initializer_range", 0.02, configJson)).build();
        } catch (IllegalArgumentException e) {
            throw new IOException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** {@code null}, or {"rope_type" (or "type"): "linear" | "llama3", "factor", llama3's "low_freq_factor", ...}. */
    private static RopeScaling ropeScaling(JsonNode r, Path file) throws IOException {
        if (r == null || r.isNull()) {
            return null;
        }
        String type = r.hasNonNull("rope_type") ? r.get("rope_type").asText() : r.path("type").asText("");
        if (type.equals("default")) {
            return null;
        }
        try {
            return switch (type) {
                case "linear" -> RopeScaling.linear(HfConfigJson.number(r, "factor", file));
                case "llama3" -> RopeScaling.llama3(HfConfigJson.number(r, "factor", file),
                        HfConfigJson.number(r, "low_freq_factor", file),
                        HfConfigJson.number(r, "high_freq_factor", file),
                        HfConfigJson.integer(r, "original_max_position_embeddings", file));
                default -> throw new IOException(file + ": rope_scaling type '" + type + "' is not supported (linear, llama3)");
            };
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": rope_scaling: " + e.getMessage(), e);
        }
    }

    public static TransformerPolicy load(Path dir) throws IOException {
        TransformerPolicy policy = new TransformerPolicy(config(dir.resolve("config.json")));
        HfWeightCopy.into(policy, dir, key -> key, name -> name.endsWith("rotary_emb.inv_freq"), "model.embed_tokens.weight",
                "Llama");
        return policy;
    }

    /** Writes {@code policy} as a Hugging Face directory: Qwen2 when it has q/k/v biases, Llama otherwise. */
    public static void save(TransformerPolicy policy, Path dir, SafetensorsDtype dtype) throws IOException {
        TransformerConfig c = policy.config();
        if (c.architecture() != Architecture.LLAMA) {
            throw new IllegalArgumentException("HfLlama saves Llama policies, got " + c.architecture());
        }
        Files.createDirectories(dir);
        HfWeightCopy.write(policy, dir, dtype);
        boolean qwen2 = c.attentionBias();
        ObjectNode j = JSON.createObjectNode();
        j.putArray("architectures").add(qwen2 ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
        j.put("model_type", qwen2 ? "qwen2" : "llama");
        j.put("vocab_size", c.vocabSize());
        j.put("max_position_embeddings", c.contextLength());
        j.put("hidden_size", c.dModel());
        j.put("intermediate_size", c.mlpDim());
        j.put("num_hidden_layers", c.nLayers());
        j.put("num_attention_heads", c.nHeads());
        j.put("num_key_value_heads", c.nKvHeads());
        j.put("hidden_act", "silu");
        j.put("rms_norm_eps", c.layerNormEpsilon() > 0 ? c.layerNormEpsilon() : 1e-6);
        j.put("rope_theta", c.ropeTheta());
        if (c.ropeScaling() == null) {
            j.putNull("rope_scaling");
        } else {
            ObjectNode r = j.putObject("rope_scaling");
            r.put("rope_type", c.ropeScaling().type());
            r.put("factor", c.ropeScaling().factor());
            if (c.ropeScaling().type().equals("llama3")) {
                r.put("low_freq_factor", c.ropeScaling().lowFreqFactor());
                r.put("high_freq_factor", c.ropeScaling().highFreqFactor());
                r.put("original_max_position_embeddings", c.ropeScaling().originalMaxPositions());
            }
        }
        j.put("tie_word_embeddings", c.tieEmbeddings());
        j.put("initializer_range", c.initStd());
        if (!qwen2) {
            j.put("attention_bias", false);
        }
        j.put("torch_dtype", HfConfigJson.torchDtype(dtype));
        AtomicFiles.writeString(dir.resolve("config.json"), JSON.writeValueAsString(j) + "\n");
    }
}
