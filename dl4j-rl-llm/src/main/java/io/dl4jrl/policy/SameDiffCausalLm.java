package io.dl4jrl.policy;

import io.dl4jrl.graphs.PolicyGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Map;

/**
 * Any graph meeting the {@link PolicyGraph} contract, a user's own model included, as a {@link CausalLm}.
 * Give it a {@link ModelSpec} whose type has a factory registered in {@link CausalLms} and every trainer can copy
 * it (frozen references) and checkpoint it, and the CLI can reload it. Decoding has no KV cache: each step runs the whole graph on the right-padded batch and reads each
 * sequence's logits at its last real position (causality makes the padding invisible there). Correct for
 * every architecture; slow, since SameDiff pays a large fixed cost per call.
 */
public final class SameDiffCausalLm implements CausalLm {
    private final PolicyGraph graph;
    private final int vocabSize;
    private final int contextLength;
    private final ModelSpec spec;

    /**
     * @param spec how checkpoints record the model; {@link CausalLms#create} of it must build the same graph
     *             (same variable names and shapes), which {@link #copy()} relies on
     */
    public SameDiffCausalLm(PolicyGraph graph, int vocabSize, int contextLength, ModelSpec spec) {
        this.graph = java.util.Objects.requireNonNull(graph, "graph");
        if (vocabSize <= 0 || contextLength <= 0) {
            throw new IllegalArgumentException("vocabSize and contextLength must be positive, got " + vocabSize + " and " + contextLength);
        }
        this.vocabSize = vocabSize;
        this.contextLength = contextLength;
        this.spec = spec;
    }

    /** A model for decoding and scoring only: without a spec it cannot be copied or checkpointed. */
    public SameDiffCausalLm(PolicyGraph graph, int vocabSize, int contextLength) {
        this(graph, vocabSize, contextLength, null);
    }

    @Override
    public ModelSpec spec() {
        if (spec == null) {
            throw new IllegalStateException("this SameDiffCausalLm has no ModelSpec, so it cannot be copied or checkpointed; "
                    + "construct it with one and register its factory with CausalLms.register");
        }
        return spec;
    }

    @Override
    public PolicyGraph graph() {
        return graph;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public DecodeSession openSession(int batchSize, int capacity, boolean useKvCache) {
        return new DecodeSession() {
            private int[][] sequences;

            @Override
            public INDArray prefill(int[][] prompts) {
                sequences = Arrays.stream(prompts).map(int[]::clone).toArray(int[][]::new);
                return lastLogits();
            }

            @Override
            public INDArray step(int[] tokens) {
                RecomputingSession.appendColumn(sequences, tokens);
                return lastLogits();
            }

            private INDArray lastLogits() {
                int width = Arrays.stream(sequences).mapToInt(s -> s.length).max().orElse(0);
                if (width > contextLength) {
                    throw new IllegalStateException("sequence exceeds the context length " + contextLength);
                }
                int[][] padded = new int[sequences.length][width];
                for (int i = 0; i < sequences.length; i++) {
                    System.arraycopy(sequences[i], 0, padded[i], 0, sequences[i].length);
                }
                INDArray ids = Nd4j.createFromArray(padded).castTo(DataType.INT32);
                INDArray logits = graph.sameDiff().output(Map.of(graph.inputIds(), ids), graph.logits()).get(graph.logits());
                INDArray out = Nd4j.create(logits.dataType(), sequences.length, vocabSize);
                for (int i = 0; i < sequences.length; i++) {
                    out.putRow(i, logits.get(NDArrayIndex.point(i), NDArrayIndex.point(sequences[i].length - 1), NDArrayIndex.all()));
                }
                logits.close();
                ids.close();
                return out;
            }
        };
    }
}
