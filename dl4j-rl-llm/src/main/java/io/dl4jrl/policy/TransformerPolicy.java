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
        io.dl4jrl.train.MemoryBudget.require("a transformer of " + config.parameterCount() + " parameters (vocabulary " + config.vocabSize()
                        + ", context " + config.contextLength() + ", width " + config.dModel() + ", " + config.nLayers() + " layers)",
                io.dl4jrl.train.MemoryBudget.product(config.parameterCount(), 4), 0,
                "lower the context length (--context), width (--d-model) or layers (--layers)");
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

    /**
     * Lower bound on a training pass's activations: SameDiff keeps every forward output for the backward pass, and per
     * token and block these include at least the normalised input, q, k and v, the attention output, its projection and
     * the residual (7·d), the MLP's up projection and activation (2·mlp), and each head's attention scores and
     * probabilities over the row (2·heads·width); then the logits (vocabulary) and the embeddings (d). Gradients and
     * the op's temporary buffers come on top; for GPT-2-small at 8 x 96 tokens this gives 0.6 GiB where the
     * measured training peak is 5.7 GB with 2 GB of weights and Adam state (docs/performance.md).
     */
    @Override
    public long trainingPassBytes(long rows, long width) {
        long perBlock = 7L * config.dModel() + 2L * config.mlpDim() + io.dl4jrl.train.MemoryBudget.product(2, config.nHeads(), width);
        long perToken = io.dl4jrl.train.MemoryBudget.sum(io.dl4jrl.train.MemoryBudget.product(config.nLayers(), perBlock),
                (long) config.vocabSize() + config.dModel());
        return io.dl4jrl.train.MemoryBudget.product(rows, width, perToken, 4);
    }

    @Override
    public DecodeSession openSession(int batchSize, int capacity, boolean useKvCache) {
        Supplier<DecodeSession> decoder = () -> config.architecture() == Architecture.LLAMA
                ? new LlamaKvDecoder(config, graph.sameDiff(), batchSize, capacity)
                : new GptKvDecoder(config, graph.sameDiff(), batchSize, capacity);
        return useKvCache ? decoder.get() : new RecomputingSession(decoder::get, batchSize);
    }
}
