package io.dl4jrl.hf;

import io.dl4jrl.policy.TransformerPolicy;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Copies a model directory's safetensors into a policy graph name for name, and writes a graph's weights back.
 * Every weight of the graph must be found once, with its shape; tensors the graph does not have are errors, except
 * the buffers {@code skip} names; a stored {@code lm_head.weight} of a tied model must equal the embedding.
 */
final class HfWeightCopy {
    private HfWeightCopy() {
    }

    static Map<String, SDVariable> variables(TransformerPolicy policy) {
        Map<String, SDVariable> m = new LinkedHashMap<>();
        for (SDVariable v : policy.graph().sameDiff().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                m.put(v.name(), v);
            }
        }
        return m;
    }

    /**
     * @param rename    file key to graph name (e.g. strips a prefix)
     * @param skip      graph-side names that are buffers, not weights
     * @param embedding the token embedding, which a tied {@code lm_head.weight} must equal
     * @param family    for messages
     */
    static void into(TransformerPolicy policy, Path dir, UnaryOperator<String> rename, Predicate<String> skip, String embedding,
                     String family) throws IOException {
        Map<String, SDVariable> wanted = variables(policy);
        boolean tied = policy.config().tieEmbeddings();
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir)) {
            Map<String, String> byName = new LinkedHashMap<>();
            Set<String> unexpected = new TreeSet<>();
            String storedHead = null;
            for (String key : weights.names()) {
                String name = rename.apply(key);
                if (skip.test(name)) {
                    continue;
                }
                if (name.equals("lm_head.weight") && tied) {
                    storedHead = key;
                    continue;
                }
                if (!wanted.containsKey(name)) {
                    unexpected.add(key);
                } else if (byName.put(name, key) != null) {
                    throw new IOException(dir + ": tensor '" + name + "' appears twice");
                }
            }
            if (!unexpected.isEmpty()) {
                throw new IOException(dir + ": tensors a " + family + " of this config does not have: " + unexpected);
            }
            Set<String> missing = new TreeSet<>(wanted.keySet());
            missing.removeAll(byName.keySet());
            if (!missing.isEmpty()) {
                throw new IOException(dir + ": missing tensors " + missing);
            }
            for (Map.Entry<String, String> e : byName.entrySet()) {
                INDArray target = wanted.get(e.getKey()).getArr();
                INDArray value = weights.read(e.getValue(), target.dataType());
                if (!Arrays.equals(target.shape(), value.shape())) {
                    throw new IOException(dir + ": tensor '" + e.getValue() + "' has shape " + Arrays.toString(value.shape())
                            + ", the config needs " + Arrays.toString(target.shape()));
                }
                target.assign(value);
            }
            if (storedHead != null && !weights.read(storedHead, wanted.get(embedding).getArr().dataType()).equals(wanted.get(embedding).getArr())) {
                throw new IOException(dir + ": tie_word_embeddings is true but " + storedHead + " differs from " + embedding);
            }
        }
    }

    static void write(TransformerPolicy policy, Path dir, SafetensorsDtype dtype) throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        variables(policy).forEach((name, v) -> tensors.put(name, v.getArr()));
        SafetensorsWriter.write(dir.resolve(SafetensorsWeights.SINGLE), tensors, Map.of("format", "pt"), dtype);
    }
}
