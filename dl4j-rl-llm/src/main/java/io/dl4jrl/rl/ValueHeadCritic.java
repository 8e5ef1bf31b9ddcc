package io.dl4jrl.rl;

import io.dl4jrl.graphs.GradientPass;
import io.dl4jrl.text.TokenIds;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.ValueHead;
import io.dl4jrl.train.OffHeapCollector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * A value head attached to a policy graph, read as a state-value function: V(s) is the head's output at the
 * last token of s, the same position {@link RlTrainer} reads V(s_t) from for GAE. States are batched and
 * right-padded; causal attention keeps padding from reaching the read position.
 */
public final class ValueHeadCritic implements StateValueFunction {
    private final PolicyGraph graph;
    private final int padId;
    private final int batchSize;
    private final OffHeapCollector collector = new OffHeapCollector();

    public ValueHeadCritic(PolicyGraph graph, int padId, int batchSize) {
        if (!graph.sameDiff().hasVariable(ValueHead.VALUES)) {
            throw new IllegalArgumentException("the policy graph has no value head ('" + ValueHead.VALUES + "')");
        }
        this.graph = graph;
        this.padId = padId;
        this.batchSize = batchSize;
    }

    @Override
    public double[] values(List<int[]> states) {
        double[] out = new double[states.size()];
        for (int from = 0; from < states.size(); from += batchSize) {
            int to = Math.min(states.size(), from + batchSize);
            for (int i = from; i < to; i++) {
                if (states.get(i).length == 0) {
                    throw new IllegalArgumentException("state " + i + " is empty");
                }
            }
            int[][] ids = TokenIds.rightPadded(states, from, to, padId);
            INDArray input = Nd4j.createFromArray(ids).castTo(DataType.INT32);
            float[][] v = GradientPass.outputs(graph.sameDiff(), Map.of(graph.inputIds(), input), java.util.List.of(ValueHead.VALUES)).get(ValueHead.VALUES).toFloatMatrix();
            for (int i = from; i < to; i++) {
                out[i] = v[i - from][states.get(i).length - 1];
            }
            collector.afterWork();
        }
        return out;
    }
}
