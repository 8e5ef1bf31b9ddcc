package io.dl4jrl.graphs;

import io.dl4jrl.graphs.rl.EntropyBonus;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Log-probs and entropy at kept positions only ({@link KeptLogits}) equal the full {@code [B, T, V]} computation at
 * those positions, with equal gradients, for both architectures, through the head-weight path and the path of a graph
 * that names no head weight; and they pass finite differences.
 */
class KeptLogitsTest {
    private static final int[][] IDS = {{1, 2, 3, 4, 5, 6}, {6, 7, 8, 9, 0, 0}, {3, 3, 3, 2, 1, 0}};
    private static final int[][] TARGETS = {{2, 3, 4, 5, 6, 7}, {7, 8, 9, 10, 0, 0}, {3, 3, 2, 1, 10, 0}};
    // Ragged "responses": each row keeps a different span, row 2 repeats target ids.
    private static final double[][] MASK = {{0, 0, 1, 1, 1, 1}, {0, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 0}};
    private static final double[][] WEIGHT = {{0, 0, 0.5, -1, 2, 0.3}, {0, 1.5, -0.7, 0.2, 0, 0}, {0.1, -0.4, 0.9, 1.1, -2, 0}};

    @Test
    void keptLogProbsAndEntropyEqualTheFullComputationWithEqualGradients() {
        for (TransformerConfig config : List.of(GptGraphBuilderTest.tiny(), LlamaGraphBuilderTest.tiny())) {
            for (double temperature : new double[]{1.0, 0.7}) {
                for (boolean namedHead : new boolean[]{true, false}) {
                    String what = config.architecture() + " T=" + temperature + (namedHead ? " head" : " logit rows");
                    Graph full = graph(config, p -> p, false, temperature);
                    Graph kept = graph(config, p -> namedHead ? p : PolicyGraph.of(p.sameDiff(), p.inputIds(), p.logits(),
                            p.hidden().orElseThrow()), true, temperature);
                    copyWeights(full.sd, kept.sd);
                    Map<String, INDArray> feed = feed();
                    OutAndGrad a = GradientPass.outputsAndGradients(full.sd, feed, full.outputs(), full.params());
                    Map<String, INDArray> keptFeed = new HashMap<>(feed);
                    keptFeed.putAll(KeptLogits.feed(Nd4j.createFromArray(MASK)));
                    OutAndGrad b = GradientPass.outputsAndGradients(kept.sd, keptFeed, kept.outputs(), kept.params());

                    INDArray mask = Nd4j.createFromArray(MASK);
                    for (String name : List.of(TokenLogProbs.TOKEN_LOGPROBS, EntropyBonus.TOKEN_ENTROPY)) {
                        INDArray expected = a.getOutputs().get(name).mul(mask);
                        INDArray actual = b.getOutputs().get(name);
                        assertArrayEquals(expected.shape(), actual.shape(), what + " " + name);
                        assertTrue(expected.sub(actual).amaxNumber().doubleValue() < 1e-12, what + " " + name + ": " + actual + " vs " + expected);
                    }
                    assertEquals(a.getOutputs().get("loss").getDouble(0), b.getOutputs().get("loss").getDouble(0), 1e-12, what);
                    for (String p : full.params()) {
                        INDArray ga = a.getGradients().get(p);
                        INDArray gb = b.getGradients().get(p);
                        double diff = ga.sub(gb).amaxNumber().doubleValue();
                        assertTrue(diff < 1e-11 * Math.max(1, ga.amaxNumber().doubleValue()), what + " gradient of " + p + " differs by " + diff);
                    }
                }
            }
        }
    }

    @Test
    void keptGradientsMatchFiniteDifferences() {
        for (TransformerConfig config : List.of(GptGraphBuilderTest.tiny(), LlamaGraphBuilderTest.tiny())) {
            Graph kept = graph(config, p -> p, true, 0.8);
            Map<String, INDArray> feed = new HashMap<>(feed());
            feed.putAll(KeptLogits.feed(Nd4j.createFromArray(MASK)));
            // minAbs 1e-8: the key bias's true gradient is 0 (softmax ignores a per-query constant); the finite
            // difference of a loss of this size reads ~1e-9 of rounding noise there
            GradientCheck.Result r = GradientCheck.check(kept.sd, feed, 8, 1e-6, 1e-8, 11);
            assertTrue(r.entries().size() > 100, "checked " + r.entries().size());
            assertTrue(r.passed(1e-4), config.architecture() + " worst entry: " + r.worst());
        }
    }

    @Test
    void feedListsMaskedPositionsAndKeepsOneWhenTheMaskIsEmpty() {
        Map<String, INDArray> f = KeptLogits.feed(Nd4j.createFromArray(new double[][]{{0, 1, 1}, {1, 0, 0}}));
        // padded to a multiple of 64 rows by repeating the last kept position, which no slot points at twice
        long[] positions = new long[ShapeBuckets.DEFAULT_KEPT_ROWS_MULTIPLE];
        java.util.Arrays.fill(positions, 3);
        positions[0] = 1;
        positions[1] = 2;
        assertArrayEquals(positions, f.get(KeptLogits.KEPT_POSITIONS).toLongVector());
        assertArrayEquals(new long[]{0, 1, 2, 3, 0, 0}, f.get(KeptLogits.KEPT_SLOTS).toLongVector());
        Map<String, INDArray> none = KeptLogits.feed(Nd4j.zeros(DataType.FLOAT, 2, 2));
        assertArrayEquals(new long[ShapeBuckets.DEFAULT_KEPT_ROWS_MULTIPLE], none.get(KeptLogits.KEPT_POSITIONS).toLongVector());
        assertArrayEquals(new long[]{1, 0, 0, 0}, none.get(KeptLogits.KEPT_SLOTS).toLongVector());

        // an all-zero mask still runs and gives all-zero (masked) outputs at its positions but the first
        Graph kept = graph(GptGraphBuilderTest.tiny(), p -> p, true, 1.0);
        Map<String, INDArray> feed = new HashMap<>(feed());
        feed.putAll(KeptLogits.feed(Nd4j.zeros(DataType.DOUBLE, 3, 6)));
        INDArray lp = kept.sd.output(feed, TokenLogProbs.TOKEN_LOGPROBS).get(TokenLogProbs.TOKEN_LOGPROBS);
        assertEquals(0, lp.getDouble(0, 1));
        assertTrue(lp.getDouble(0, 0) < 0);
    }

    private record Graph(SameDiff sd, List<String> params) {
        List<String> outputs() {
            return List.of(TokenLogProbs.TOKEN_LOGPROBS, EntropyBonus.TOKEN_ENTROPY, "loss");
        }
    }

    /** loss = Σ w·mask·log p + 0.3·Σ w·mask·H, the shape of a policy loss with an entropy term. */
    private static Graph graph(TransformerConfig config, Function<PolicyGraph, PolicyGraph> wrap, boolean kept, double temperature) {
        PolicyGraph built = config.architecture() == Architecture.LLAMA ? new LlamaGraphBuilder(config, DataType.DOUBLE).build()
                : new GptGraphBuilder(config, DataType.DOUBLE).build();
        PolicyGraph policy = wrap.apply(built);
        SameDiff sd = policy.sameDiff();
        SDVariable lp = kept ? TokenLogProbs.attachKept(policy, config.vocabSize(), temperature)
                : TokenLogProbs.attach(policy, config.vocabSize(), temperature);
        SDVariable h = kept ? EntropyBonus.attachKept(policy, config.vocabSize(), temperature)
                : EntropyBonus.attach(sd, policy.logitsVariable(), temperature);
        SDVariable w = sd.constant(Nd4j.createFromArray(WEIGHT).mul(Nd4j.createFromArray(MASK)));
        SDVariable loss = sd.identity("loss", lp.mul(w).sum().add(h.mul(w).sum().mul(0.3)));
        sd.setLossVariables(loss);
        List<String> params = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                params.add(v.name());
            }
        }
        return new Graph(sd, params);
    }

    private static void copyWeights(SameDiff from, SameDiff to) {
        for (SDVariable v : to.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                v.getArr().assign(from.getArrForVarName(v.name()));
            }
        }
    }

    private static Map<String, INDArray> feed() {
        return Map.of(PolicyGraph.INPUT_IDS, GptGraphBuilderTest.ids(IDS), TokenLogProbs.TARGET_IDS, GptGraphBuilderTest.ids(TARGETS));
    }
}
