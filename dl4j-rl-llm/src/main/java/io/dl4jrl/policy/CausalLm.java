package io.dl4jrl.policy;

import io.dl4jrl.graphs.PolicyGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * The policy contract: any SameDiff causal language model the trainers, the sampler and the evaluator work on.
 * <ul>
 *   <li>{@link #graph()}: the SameDiff graph meeting the {@link PolicyGraph} contract (token-id placeholder, logits,
 *       optional hidden states); the trainers attach their losses and heads to it, and its {@code VARIABLE}s are
 *       the weights a checkpoint stores, with the optimiser state SameDiff keeps for them;</li>
 *   <li>{@link #spec()}: the checkpoint's description of the model, rebuilt through {@link CausalLms};</li>
 *   <li>{@link #copy()}: an independent model with the same weights, for frozen references;</li>
 *   <li>{@link #openSession}: token-by-token decoding, through the model's own KV cache where it has one.</li>
 * </ul>
 * {@link TransformerPolicy} is the built-in implementation; {@link SameDiffCausalLm} wraps a user's own graph.
 */
public interface CausalLm {

    PolicyGraph graph();

    int vocabSize();

    /** Longest prompt + response the model accepts. */
    int contextLength();

    /** How a checkpoint records this model; {@link CausalLms#create} rebuilds it. */
    ModelSpec spec();

    /**
     * A new, independent model of the same spec with a copy of every weight of the policy graph (heads and losses
     * a trainer attached are not part of the model and are not copied).
     */
    default CausalLm copy() {
        CausalLm copy = CausalLms.create(spec());
        copyWeights(graph().sameDiff(), copy.graph().sameDiff());
        return copy;
    }

    /**
     * Width of the hidden states value and reward heads attach to. The default runs the graph once on one token to
     * read it; implementations that know it override.
     */
    default int hiddenWidth() {
        PolicyGraph g = graph();
        String hidden = g.hidden().orElseThrow(() -> new IllegalStateException(
                "this model exposes no hidden states; name them in PolicyGraph.of to attach value or reward heads"));
        INDArray ids = Nd4j.zeros(DataType.INT32, 1, 1);
        INDArray h = g.sameDiff().output(Map.of(g.inputIds(), ids), hidden).get(hidden);
        if (h.rank() != 3) {
            throw new IllegalStateException("hidden states '" + hidden + "' must be [batch, time, width], have rank " + h.rank());
        }
        return (int) h.size(2);
    }

    /** Bytes of the model's weights (its graph's {@code VARIABLE}s). */
    default long weightBytes() {
        long bytes = 0;
        for (SDVariable v : graph().sameDiff().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && v.getArr() != null) {
                bytes += v.getArr().length() * v.getArr().dataType().width();
            }
        }
        return bytes;
    }

    /**
     * A lower bound on the native bytes one training pass over {@code rows} sequences of {@code width} tokens holds at
     * its peak besides the weights: what the trainers use to refuse a batch that cannot fit before allocating it
     * ({@code io.dl4jrl.train.MemoryBudget}). The default counts only the float32 logits, [rows, width, vocabulary],
     * which every causal LM computes; a model that knows its layers counts their activations too
     * ({@link TransformerPolicy}). Saturates at {@link Long#MAX_VALUE}.
     */
    default long trainingPassBytes(long rows, long width) {
        return io.dl4jrl.train.MemoryBudget.product(rows, width, vocabSize(), 4);
    }

    /**
     * Opens a decoding session for {@code batchSize} sequences of at most {@code capacity} tokens each.
     * With {@code useKvCache} false every step recomputes the whole prefix (for comparisons and benchmarks).
     */
    DecodeSession openSession(int batchSize, int capacity, boolean useKvCache);

    /** Assigns every {@code VARIABLE} of {@code to} from the variable of the same name in {@code from}. */
    static void copyWeights(SameDiff from, SameDiff to) {
        for (SDVariable v : to.variables()) {
            if (v.getVariableType() != VariableType.VARIABLE) {
                continue;
            }
            SDVariable source = from.getVariable(v.name());
            if (source == null || source.getArr() == null) {
                throw new IllegalStateException("cannot copy the model: the source has no weight '" + v.name() + "'");
            }
            INDArray src = source.getArr();
            if (!java.util.Arrays.equals(src.shape(), v.getArr().shape())) {
                throw new IllegalStateException("cannot copy the model: weight '" + v.name() + "' has shape "
                        + java.util.Arrays.toString(src.shape()) + " in the source, " + java.util.Arrays.toString(v.getArr().shape()) + " in the copy");
            }
            v.getArr().assign(src);
        }
    }
}
