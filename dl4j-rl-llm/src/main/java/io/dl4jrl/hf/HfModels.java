package io.dl4jrl.hf;

import io.dl4jrl.graphs.Architecture;
import io.dl4jrl.policy.TransformerPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A Hugging Face model directory by its {@code model_type}: GPT-2 ({@link HfGpt2}) or the Llama family ({@link HfLlama}). */
public final class HfModels {
    private HfModels() {
    }

    public static TransformerPolicy load(Path dir) throws IOException {
        Path config = dir.resolve("config.json");
        if (!Files.exists(config)) {
            throw new java.io.FileNotFoundException(dir + ": no config.json (not a Hugging Face model directory)");
        }
        String type = HfConfigJson.text(HfConfigJson.read(config), "model_type", null, config);
        if (type.equals("gpt2")) {
            return HfGpt2.load(dir);
        }
        if (HfLlama.MODEL_TYPES.contains(type)) {
            return HfLlama.load(dir);
        }
        throw new IOException(config + ": model_type '" + type + "' is not supported (gpt2, llama, qwen2, mistral)");
    }

    public static void save(TransformerPolicy policy, Path dir, SafetensorsDtype dtype) throws IOException {
        if (policy.config().architecture() == Architecture.LLAMA) {
            HfLlama.save(policy, dir, dtype);
        } else {
            HfGpt2.save(policy, dir, dtype);
        }
    }
}
