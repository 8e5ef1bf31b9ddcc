package io.dl4jrl.policy;

import io.dl4jrl.graphs.Architecture;
import io.dl4jrl.graphs.GptGraphBuilder;
import io.dl4jrl.graphs.LlamaGraphBuilder;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.TransformerConfig;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The built-in transformer policy (GPT-2 or Llama architecture, by its config): its SameDiff graph (trained by the
 * trainers) and a direct-ND4J KV-cache decoder that reads the very same weight arrays, so sampling always uses the
 * current weights with no copy.
 */
public final class TransformerPolicy implements CausalLm {
    private final TransformerConfig config;
    private final PolicyGraph graph;

    /** A freshly initialised policy. */
    public TransformerPolicy(TransformerConfig config) {
        this(config, graphFor(config));
    }

    /** A freshly initialised graph of the config's architecture. */
    public static PolicyGraph graphFor(TransformerConfig config) {
        return config.architecture() == Architecture.LLAMA ? new LlamaGraphBuilder(config).build() : new GptGraphBuilder(config).build();
    }

    /** Wraps a graph built by {@link #graphFor} from {@code config} (e.g. restored from a checkpoint). */
    public TransformerPolicy(TransformerConfig config, PolicyGraph graph) {
        this.config = Objects.requireNonNull(config, "config");
        this.graph = Objects.requireNonNull(graph, "graph");
    }

    /** A new, independent policy of the same config with a copy of every policy weight (see {@link CausalLm#copy}). */
    @Override
    public TransformerPolicy copy() {
        TransformerPolicy copy = new TransformerPolicy(config);
        CausalLm.copyWeights(graph.sameDiff(), copy.graph.sameDiff());
        return copy;
    }

    public TransformerConfig config() {
        return config;
    }

    @Override
    public ModelSpec spec() {
        return ModelSpec.of(config);
    }

    @Override
    public PolicyGraph graph() {
        return graph;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int contextLength() {
        return config.contextLength();
    }

    @Override
    public int hiddenWidth() {
        return config.dModel();
    }

    @Override
    public DecodeSession openSession(int batchSize, int capacity, boolean useKvCache) {
        Supplier<DecodeSession> decoder = () -> config.architecture() == Architecture.LLAMA
                ? new LlamaKvDecoder(config, graph.sameDiff(), batchSize, capacity)
                : new GptKvDecoder(config, graph.sameDiff(), batchSize, capacity);
        return useKvCache ? decoder.get() : new RecomputingSession(decoder::get, batchSize);
    }
}
