package io.dl4jrl.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.dl4jrl.policy.ModelSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Everything needed to continue a run exactly: model shape, trainer configuration, completed steps,
 * the optimizer's iteration count and state, and the weights. The data order and sampling randomness of
 * every trainer are pure functions of (seed, step), so (trainer config, step) is the RNG state.
 *
 * @param kind           which trainer wrote it, e.g. {@code "sft"}
 * @param step           completed optimizer steps
 * @param model          the model's spec (type and settings), rebuilt through {@link io.dl4jrl.policy.CausalLms}
 * @param trainerConfig  the trainer's configuration record as JSON
 * @param iterationCount SameDiff's iteration counter (drives the learning-rate schedule and Adam's bias correction)
 * @param weights        trainable arrays by variable name
 * @param optimizerState per variable, the updater's named state arrays (Adam: M and V)
 * @param metadata       free-form JSON, e.g. the last metrics
 */
public record Checkpoint(String kind, long step, ModelSpec model, JsonNode trainerConfig, int iterationCount,
                         Map<String, INDArray> weights, Map<String, Map<String, INDArray>> optimizerState,
                         JsonNode metadata) {

    /** The built-in transformer's config; a clear error when the checkpoint holds another model type. */
    public io.dl4jrl.graphs.TransformerConfig transformerConfig() {
        if (!model.isTransformer()) {
            throw new IllegalArgumentException("checkpoint '" + kind + "' at step " + step + " holds a model of type '" + model.type()
                    + "', not the built-in transformer");
        }
        return model.transformerConfig();
    }
}
