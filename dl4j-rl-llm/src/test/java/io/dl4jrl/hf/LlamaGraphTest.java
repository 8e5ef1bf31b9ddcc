package io.dl4jrl.hf;

import io.dl4jrl.graphs.Architecture;
import io.dl4jrl.graphs.LlamaGraphBuilder;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Llama graph against the independent reference: grouped-query attention, Qwen2 biases, untied head. */
class LlamaGraphTest {
    static TransformerConfig tiny(boolean qwen2) {
        return TransformerConfig.builder().architecture(Architecture.LLAMA).vocabSize(29).contextLength(32).dModel(16)
                .nLayers(2).nHeads(4).nKvHeads(2).mlpHidden(40).ropeTheta(500).layerNormEpsilon(1e-5)
                .attentionBias(qwen2).tieEmbeddings(!qwen2).initStd(0.3).seed(5).build();
    }

    static Map<String, INDArray> weights(PolicyGraph g) {
        Map<String, INDArray> w = new LinkedHashMap<>();
        for (SDVariable v : g.sameDiff().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) w.put(v.name(), v.getArr());
        }
        return w;
    }

    @Test
    void graphMatchesTheReference() {
        for (boolean qwen2 : new boolean[]{false, true}) {
            TransformerConfig c = tiny(qwen2);
            PolicyGraph g = new LlamaGraphBuilder(c).build();
            if (qwen2) { // biases start at zero: give them values so they are tested
                for (Map.Entry<String, INDArray> e : weights(g).entrySet()) {
                    if (e.getKey().endsWith(".bias")) e.getValue().assign(Nd4j.rand(DataType.FLOAT, e.getValue().shape()).subi(0.5));
                }
            }
            int[][] ids = {{1, 5, 28, 3, 3, 9, 0}, {7, 7, 2, 11, 4, 20, 6}};
            INDArray logits = g.sameDiff().output(Map.of(g.inputIds(), Nd4j.createFromArray(ids).castTo(DataType.INT32)), g.logits())
                    .get(g.logits());
            LlamaReference ref = new LlamaReference(weights(g), c.nLayers(), c.nHeads(), c.nKvHeads(), c.ropeTheta(), c.layerNormEpsilon());
            double worst = 0;
            for (int b = 0; b < ids.length; b++) {
                INDArray expected = ref.logits(ids[b]);
                worst = Math.max(worst, expected.sub(logits.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.all())
                        .castTo(DataType.DOUBLE)).amaxNumber().doubleValue());
            }
            assertTrue(worst < 1e-4, (qwen2 ? "qwen2" : "llama") + ": max |logit - reference| = " + worst);
            assertEquals(c.parameterCount(), weights(g).values().stream().mapToLong(INDArray::length).sum());
        }
    }

    @Test
    void kvCacheDecodingWithRaggedPromptsMatchesTheReference() {
        for (boolean qwen2 : new boolean[]{false, true}) {
            TransformerConfig c = tiny(qwen2);
            io.dl4jrl.policy.TransformerPolicy policy = new io.dl4jrl.policy.TransformerPolicy(c);
            for (Map.Entry<String, INDArray> e : weights(policy.graph()).entrySet()) {
                if (e.getKey().endsWith(".bias")) e.getValue().assign(Nd4j.rand(DataType.FLOAT, e.getValue().shape()).subi(0.5));
            }
            int[][] prompts = {{3, 4, 5}, {7, 8, 9, 10, 11, 12, 13}, {1, 2}};
            int[][] fed = {{5, 6, 7, 8}, {1, 1, 2, 2}, {22, 0, 4, 19}};
            LlamaReference ref = new LlamaReference(weights(policy.graph()), c.nLayers(), c.nHeads(), c.nKvHeads(), c.ropeTheta(),
                    c.layerNormEpsilon());
            for (boolean cache : new boolean[]{true, false}) {
                io.dl4jrl.policy.DecodeSession s = policy.openSession(3, 16, cache);
                INDArray[] steps = new INDArray[fed[0].length + 1];
                steps[0] = s.prefill(prompts);
                for (int k = 0; k < fed[0].length; k++) {
                    steps[k + 1] = s.step(new int[]{fed[0][k], fed[1][k], fed[2][k]});
                }
                double worst = 0;
                for (int b = 0; b < 3; b++) {
                    int[] seq = new int[prompts[b].length + fed[b].length];
                    System.arraycopy(prompts[b], 0, seq, 0, prompts[b].length);
                    System.arraycopy(fed[b], 0, seq, prompts[b].length, fed[b].length);
                    INDArray full = ref.logits(seq);
                    for (int k = 0; k < steps.length; k++) {
                        worst = Math.max(worst, full.getRow(prompts[b].length - 1 + k).sub(steps[k].getRow(b).castTo(DataType.DOUBLE))
                                .amaxNumber().doubleValue());
                    }
                }
                assertTrue(worst < 1e-4, (qwen2 ? "qwen2" : "llama") + (cache ? " cached" : " recomputed") + ": " + worst);
            }
        }
    }
}
