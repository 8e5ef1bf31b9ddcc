package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.hf.HfModels;
import io.dl4jrl.hf.SafetensorsDtype;
import io.dl4jrl.policy.TransformerPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** A fine-tuned policy back to the Hugging Face layout, for other tools. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a checkpoint's policy as a Hugging Face directory (GPT-2 or Llama/Qwen2) (config.json, model.safetensors), "
                + "with the tokenizer files of --tokenizer.")
final class ExportCommand implements Callable<Integer> {
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "generation_config.json", "vocab.json", "merges.txt");

    @Option(names = "--checkpoint", required = true, description = "checkpoint file (.ckpt)")
    Path checkpoint;
    @Option(names = "--out", required = true, description = "output directory")
    Path out;
    @Option(names = "--tokenizer", description = "directory whose tokenizer files are copied (the model the run started from)")
    Path tokenizer;
    @Option(names = "--dtype", description = "f32, f16 or bf16 (default: ${DEFAULT-VALUE})")
    String dtype = "f32";

    @Override
    public Integer call() throws Exception {
        SafetensorsDtype d = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32" -> SafetensorsDtype.F32;
            case "f16" -> SafetensorsDtype.F16;
            case "bf16" -> SafetensorsDtype.BF16;
            default -> throw new IllegalArgumentException("--dtype must be f32, f16 or bf16, got '" + dtype + "'");
        };
        Checkpoint c = CheckpointStore.load(checkpoint);
        // Hugging Face export writes the built-in transformer's layouts; transformerConfig() names any other model type.
        TransformerPolicy policy = new TransformerPolicy(c.transformerConfig());
        CheckpointStore.restoreWeights(policy.graph().sameDiff(), c);
        HfModels.save(policy, out, d);
        int copied = 0;
        if (tokenizer != null) {
            for (String f : TOKENIZER_FILES) {
                if (Files.exists(tokenizer.resolve(f))) {
                    Files.copy(tokenizer.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    copied++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "wrote %s (config.json, model.safetensors as %s%s)%n", out, d,
                copied > 0 ? ", " + copied + " tokenizer files" : "");
        return 0;
    }
}
