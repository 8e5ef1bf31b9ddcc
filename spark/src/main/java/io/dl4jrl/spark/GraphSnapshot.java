package io.dl4jrl.spark;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trainer's whole training graph (policy, heads and loss) in SameDiff's own file format, shipped once per run: an
 * executor rebuilds it and computes micro-batch gradients on it with the weights of the step's version.
 *
 * @param graph an id, so executors never mix two runs' graphs
 */
record GraphSnapshot(String graph, byte[] bytes) implements Serializable {

    static GraphSnapshot of(SameDiff sd, String graph) {
        try {
            File file = Files.createTempFile("training-graph", ".sd").toFile();
            try {
                sd.save(file, false);
                return new GraphSnapshot(graph, Files.readAllBytes(file.toPath()));
            } finally {
                Files.deleteIfExists(file.toPath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training graph: " + e.getMessage(), e);
        }
    }

    SameDiff load() {
        try {
            File file = Files.createTempFile("training-graph", ".sd").toFile();
            try {
                Files.write(file.toPath(), bytes);
                return SameDiff.load(file, false);
            } finally {
                Files.deleteIfExists(file.toPath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training graph: " + e.getMessage(), e);
        }
    }

    /** The graph's trainable arrays as bytes ({@link Nd4j#toByteArray}), for one weight version. */
    static Map<String, byte[]> weights(SameDiff sd) {
        Map<String, byte[]> w = new LinkedHashMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                w.put(v.name(), ArrayBytes.of(v.getArr()));
            }
        }
        return w;
    }

    /** Copies {@code weights} into {@code sd}'s arrays in place. */
    static void assign(SameDiff sd, Map<String, byte[]> weights) {
        for (Map.Entry<String, byte[]> e : weights.entrySet()) {
            INDArray target = sd.getArrForVarName(e.getKey());
            if (target == null) {
                throw new IllegalStateException("the executor's graph has no variable '" + e.getKey() + "'");
            }
            target.assign(ArrayBytes.array(e.getValue()));
        }
    }
}
