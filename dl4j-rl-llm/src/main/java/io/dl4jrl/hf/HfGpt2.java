package io.dl4jrl.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.checkpoint.AtomicFiles;
import io.dl4jrl.graphs.Activation;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * GPT-2 in the Hugging Face layout ({@code config.json} + {@code model.safetensors} or shards) to and from the
 * built-in {@link TransformerPolicy}, whose graph is GPT-2's architecture with GPT-2's weight names and Conv1D
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
        JsonNode c = HfConfigJson.read(configJson);
        String type = HfConfigJson.text(c, "model_type", null, configJson);
        if (!"gpt2".equals(type)) {
            throw new IOException(configJson + ": model_type '" + type + "' is not gpt2");
        }
        int d = HfConfigJson.integer(c, "n_embd", configJson);
        int heads = HfConfigJson.integer(c, "n_head", configJson);
        int inner = c.hasNonNull("n_inner") ? HfConfigJson.integer(c, "n_inner", configJson) : 4 * d;
        if (inner % d != 0) {
            throw new IOException(configJson + ": n_inner " + inner + " must be a multiple of n_embd " + d);
        }
        String act = HfConfigJson.text(c, "activation_function", "gelu_new", configJson);
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
            return TransformerConfig.builder().vocabSize(HfConfigJson.integer(c, "vocab_size", configJson))
                    .contextLength(c.has("n_positions") ? HfConfigJson.integer(c, "n_positions", configJson) : HfConfigJson.integer(c, "n_ctx", configJson))
                    .dModel(d).nLayers(HfConfigJson.integer(c, "n_layer", configJson)).nHeads(heads).mlpRatio(inner / d)
                    .tieEmbeddings(c.path("tie_word_embeddings").asBoolean(true))
                    .initStd(c.path("initializer_range").asDouble(0.02)).activation(activation).layerNormEpsilon(eps).build();
        } catch (IllegalArgumentException e) {
            throw new IOException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Loads a GPT-2 model directory into a new policy (float weights). */
    public static TransformerPolicy load(Path dir) throws IOException {
        TransformerConfig config = config(dir.resolve("config.json"));
        TransformerPolicy policy = new TransformerPolicy(config);
        HfWeightCopy.into(policy, dir, key -> key.startsWith("transformer.") ? key.substring("transformer.".length()) : key,
                name -> BUFFER.matcher(name).matches(), "wte.weight", "GPT-2");
        return policy;
    }

    /**
     * Writes {@code policy} as a Hugging Face GPT-2 directory ({@code config.json}, {@code model.safetensors} in
     * {@code dtype}); tokenizer files are the caller's to copy.
     */
    public static void save(TransformerPolicy policy, Path dir, SafetensorsDtype dtype) throws IOException {
        TransformerConfig c = policy.config();
        Files.createDirectories(dir);
        HfWeightCopy.write(policy, dir, dtype);
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
        j.put("torch_dtype", HfConfigJson.torchDtype(dtype));
        AtomicFiles.writeString(dir.resolve("config.json"), JSON.writeValueAsString(j) + "\n");
    }

}
