package io.dl4jrl.spark;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.policy.CausalLm;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The policy's weights at one version, as the driver broadcasts them: the model's spec and its trainable weights in
 * the checkpoint format (no optimizer state), so an executor rebuilds the model through its registered type exactly
 * as {@link CheckpointStore#loadModel} does on resume.
 *
 * @param run     the engine that shipped it, so two runs in one JVM never share an executor's cached policy
 * @param version the trainer's weight version
 * @param bytes   the checkpoint file's bytes
 */
public record PolicySnapshot(String run, long version, byte[] bytes) implements Serializable {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static PolicySnapshot of(CausalLm policy, String run, long version) {
        Map<String, INDArray> weights = new TreeMap<>();
        for (SDVariable v : policy.graph().sameDiff().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                weights.put(v.name(), v.getArr());
            }
        }
        Checkpoint c = new Checkpoint("policy-snapshot", version, policy.spec(), JSON.createObjectNode(), 0, weights, Map.of(),
                JSON.createObjectNode());
        try {
            Path file = Files.createTempFile("policy-snapshot", ".ckpt");
            try {
                CheckpointStore.save(file, c);
                return new PolicySnapshot(run, version, Files.readAllBytes(file));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the policy snapshot of version " + version + ": " + e.getMessage(), e);
        }
    }

    /** The policy these weights describe, freshly built (on an executor). */
    CausalLm load() {
        try {
            Path file = Files.createTempFile("policy-snapshot", ".ckpt");
            try {
                Files.write(file, bytes);
                return CheckpointStore.loadModel(CheckpointStore.load(file));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the policy snapshot of version " + version + ": " + e.getMessage(), e);
        }
    }
}
