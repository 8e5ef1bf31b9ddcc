package io.dl4jrl.cli;

import io.dl4jrl.hf.HfGpt2;
import io.dl4jrl.policy.GptPolicy;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.text.HfTokenizer;
import io.dl4jrl.text.Tokenizer;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A pretrained Hugging Face model directory as a command's policy ({@code --model}), and the tokenizer that goes with
 * a policy: the directory's {@code tokenizer.json}, a {@code --tokenizer} directory (for checkpoints fine-tuned from
 * such a model), or the built-in character tokenizer.
 */
final class PolicySource {
    @Option(names = "--model", description = "a Hugging Face model directory (config.json, model.safetensors or shards, "
            + "tokenizer.json); GPT-2, Llama, Qwen2 or Mistral architecture")
    Path model;
    @Option(names = "--tokenizer", description = "a directory with tokenizer.json for a checkpoint fine-tuned from a "
            + "Hugging Face model (default: --model's, else the built-in character tokenizer)")
    Path tokenizerDir;

    boolean hasModel() {
        return model != null;
    }

    GptPolicy loadModel() throws IOException {
        return io.dl4jrl.hf.HfModels.load(model);
    }

    Tokenizer tokenizer() throws IOException {
        Path dir = tokenizerDir != null ? tokenizerDir : model;
        return dir != null ? HfTokenizer.load(dir) : new CharTokenizer();
    }

    /** The policy must cover every id the tokenizer can produce. */
    static void checkVocabulary(GptPolicy policy, Tokenizer tokenizer) {
        if (tokenizer.vocabSize() > policy.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " ids but the policy's vocabulary is "
                    + policy.vocabSize() + " (wrong --tokenizer?)");
        }
    }
}
