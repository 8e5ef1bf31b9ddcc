package io.dl4jrl.policy;

import io.dl4jrl.graphs.GptGraphBuilder;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.TransformerConfig;

import java.util.Objects;

/**
 * The built-in GPT policy: its SameDiff graph (trained by the trainers) and a direct-ND4J decoder that
 * reads the very same weight arrays, so sampling always uses the current weights with no copy.
 */
public final class GptPolicy implements CausalLm {
    private final TransformerConfig config;
    private final PolicyGraph graph;

    /** A freshly initialised policy. */
    public GptPolicy(TransformerConfig config) {
        this(config, graphFor(config));
    }

    /** A freshly initialised graph of the config's architecture. */
    public static PolicyGraph graphFor(TransformerConfig config) {
        return config.architecture() == io.dl4jrl.graphs.Architecture.LLAMA
                ? new io.dl4jrl.graphs.LlamaGraphBuilder(config).build() : new GptGraphBuilder(config).build();
    }

    /** Wraps a graph built by {@link GptGraphBuilder} from {@code config} (e.g. restored from a checkpoint). */
    public GptPolicy(TransformerConfig config, PolicyGraph graph) {
        this.config = Objects.requireNonNull(config, "config");
        this.graph = Objects.requireNonNull(graph, "graph");
    }

    /**
     * A new, independent policy with the same shape and a copy of every weight the two graphs share by name
     * (extra heads or losses attached to {@code source} are not copied).
     */
    public static GptPolicy copyOf(GptPolicy source) {
        GptPolicy copy = new GptPolicy(source.config);
        org.nd4j.autodiff.samediff.SameDiff from = source.graph.sameDiff();
        for (org.nd4j.autodiff.samediff.SDVariable v : copy.graph.sameDiff().variables()) {
            if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                v.getArr().assign(from.getArrForVarName(v.name()));
            }
        }
        return copy;
    }

    public TransformerConfig config() {
        return config;
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
    public DecodeSession openSession(int batchSize, int capacity, boolean useKvCache) {
        java.util.function.Supplier<DecodeSession> decoder = () -> config.architecture() == io.dl4jrl.graphs.Architecture.LLAMA
                ? new LlamaKvDecoder(config, graph.sameDiff(), batchSize, capacity)
                : new GptKvDecoder(config, graph.sameDiff(), batchSize, capacity);
        return useKvCache ? decoder.get() : new RecomputingSession(decoder::get, batchSize);
    }
}
