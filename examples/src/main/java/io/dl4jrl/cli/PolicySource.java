package io.dl4jrl.cli;

import io.dl4jrl.policy.TransformerPolicy;
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

    @Option(names = "--chat", description = "prompt with the model's chat template (tokenizer_config.json's chat_template) "
            + "instead of the library's 'Q: ... A: ' format, for instruct models")
    boolean chat;

    /** The chat template's one-turn format with --chat, else the library's default. */
    io.dl4jrl.task.PromptFormat promptFormat() throws IOException {
        if (!chat) {
            return io.dl4jrl.task.PromptFormat.DEFAULT;
        }
        Path dir = tokenizerHome();
        if (dir == null) {
            throw new IllegalArgumentException("--chat needs --model or --tokenizer (a directory with tokenizer_config.json)");
        }
        return io.dl4jrl.text.ChatTemplate.load(dir).orElseThrow(() -> new IllegalArgumentException(
                dir.resolve("tokenizer_config.json") + " has no chat_template (drop --chat)")).promptFormat();
    }

    boolean hasModel() {
        return model != null;
    }

    /**
     * The command's model: {@code --model}'s pretrained weights, else the checkpoint at {@code checkpoint}; exactly one
     * must be given ({@code option} names the checkpoint option in the error).
     */
    io.dl4jrl.policy.CausalLm load(Path checkpoint, String option) throws IOException {
        if (hasModel() == (checkpoint != null)) {
            throw new IllegalArgumentException("give exactly one of --model and " + option);
        }
        return hasModel() ? loadModel()
                : io.dl4jrl.checkpoint.CheckpointStore.loadModel(io.dl4jrl.checkpoint.CheckpointStore.load(checkpoint));
    }

    TransformerPolicy loadModel() throws IOException {
        return io.dl4jrl.hf.HfModels.load(model);
    }

    Tokenizer tokenizer() throws IOException {
        Path dir = tokenizerHome();
        return dir != null ? HfTokenizer.load(dir) : new CharTokenizer();
    }

    /** Where tokenizer files come from: --tokenizer, else --model, else nowhere (the built-in tokenizer). */
    Path tokenizerHome() {
        return tokenizerDir != null ? tokenizerDir : model;
    }

    /** The policy must cover every id the tokenizer can produce. */
    static void checkVocabulary(io.dl4jrl.policy.CausalLm policy, Tokenizer tokenizer) {
        if (tokenizer.vocabSize() > policy.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " ids but the policy's vocabulary is "
                    + policy.vocabSize() + " (wrong --tokenizer?)");
        }
    }
}
