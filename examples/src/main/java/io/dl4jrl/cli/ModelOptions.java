package io.dl4jrl.cli;

import io.dl4jrl.graphs.TransformerConfig;
import picocli.CommandLine.Option;

/** Shape of a new policy (ignored when a checkpoint supplies it). */
final class ModelOptions {
    @Option(names = "--d-model", description = "residual width (default: ${DEFAULT-VALUE})")
    int dModel = 96;
    @Option(names = "--layers", description = "transformer blocks (default: ${DEFAULT-VALUE})")
    int layers = 4;
    @Option(names = "--heads", description = "attention heads (default: ${DEFAULT-VALUE})")
    int heads = 4;
    @Option(names = "--context", description = "context length in tokens (default: ${DEFAULT-VALUE})")
    int context = 128;
    @Option(names = "--model-seed", description = "weight initialisation seed (default: ${DEFAULT-VALUE})")
    long seed = 42;

    TransformerConfig config(int vocabSize) {
        return TransformerConfig.builder().vocabSize(vocabSize).contextLength(context).dModel(dModel).nLayers(layers)
                .nHeads(heads).seed(seed).build();
    }
}
