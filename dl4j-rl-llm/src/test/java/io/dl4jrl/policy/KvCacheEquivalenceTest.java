package io.dl4jrl.policy;

import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class KvCacheEquivalenceTest {
    static final int VOCAB = 23;

    static TransformerPolicy tinyPolicy() {
        return new TransformerPolicy(TransformerConfig.builder().vocabSize(VOCAB).contextLength(32).dModel(16).nLayers(2)
                .nHeads(2).mlpRatio(2).initStd(0.3).seed(11).build());
    }

    static final int[][] PROMPTS = {{3, 4, 5}, {7, 8, 9, 10, 11, 12, 13}, {1, 2, 20, 21, 22}};
    static final int[][] FED = {{5, 6, 7, 8, 9}, {1, 1, 2, 2, 3}, {22, 0, 4, 19, 6}};

    /** Logits after prefill and after each fed token, per sequence: [step][row] -> float[vocab]. */
    static List<float[][]> decode(CausalLm lm, boolean cache) {
        DecodeSession s = lm.openSession(PROMPTS.length, 16, cache);
        List<float[][]> out = new ArrayList<>();
        out.add(s.prefill(PROMPTS).toFloatMatrix());
        for (int k = 0; k < FED[0].length; k++) {
            int[] tokens = new int[PROMPTS.length];
            for (int b = 0; b < tokens.length; b++) {
                tokens[b] = FED[b][k];
            }
            out.add(s.step(tokens).toFloatMatrix());
        }
        return out;
    }

    /** Reference: the SameDiff graph run on each whole sequence alone. */
    static List<float[][]> fullForward(TransformerPolicy policy) {
        int steps = FED[0].length + 1;
        List<float[][]> out = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            out.add(new float[PROMPTS.length][]);
        }
        for (int b = 0; b < PROMPTS.length; b++) {
            int[] seq = Arrays.copyOf(PROMPTS[b], PROMPTS[b].length + FED[b].length);
            System.arraycopy(FED[b], 0, seq, PROMPTS[b].length, FED[b].length);
            INDArray ids = Nd4j.createFromArray(new int[][]{seq}).castTo(DataType.INT32);
            PolicyGraph g = policy.graph();
            INDArray logits = g.sameDiff().output(Map.of(g.inputIds(), ids), g.logits()).get(g.logits());
            for (int k = 0; k < steps; k++) {
                out.get(k)[b] = logits.get(NDArrayIndex.point(0), NDArrayIndex.point(PROMPTS[b].length - 1 + k), NDArrayIndex.all())
                        .toFloatVector();
            }
        }
        return out;
    }

    static void assertClose(List<float[][]> expected, List<float[][]> actual, double tol) {
        double worst = 0;
        for (int k = 0; k < expected.size(); k++) {
            for (int b = 0; b < expected.get(k).length; b++) {
                for (int v = 0; v < VOCAB; v++) {
                    worst = Math.max(worst, Math.abs(expected.get(k)[b][v] - actual.get(k)[b][v]));
                }
            }
        }
        assertTrue(worst <= tol, "max |logit difference| " + worst + " > " + tol);
    }

    @Test
    void kvCacheDecodingEqualsFullForwardWithRaggedPrompts() {
        TransformerPolicy policy = tinyPolicy();
        assertClose(fullForward(policy), decode(policy, true), 1e-4);
    }

    @Test
    void kvCacheDecodingEqualsFullForwardWithGpt2sTanhGelu() {
        TransformerPolicy policy = new TransformerPolicy(tinyPolicy().config().toBuilder().activation(io.dl4jrl.graphs.Activation.GELU_TANH).build());
        assertClose(fullForward(policy), decode(policy, true), 1e-4);
    }

    @Test
    void recomputingSessionEqualsFullForward() {
        TransformerPolicy policy = tinyPolicy();
        assertClose(fullForward(policy), decode(policy, false), 1e-4);
    }

    @Test
    void userGraphSessionEqualsFullForward() {
        TransformerPolicy policy = tinyPolicy();
        SameDiffCausalLm generic = new SameDiffCausalLm(policy.graph(), VOCAB, 32);
        assertClose(fullForward(policy), decode(generic, true), 1e-4);
    }

    @Test
    void decodingReadsTheCurrentWeights() {
        TransformerPolicy policy = tinyPolicy();
        List<float[][]> before = decode(policy, true);
        policy.graph().sameDiff().getArrForVarName("h.0.mlp.c_fc.weight").muli(2.0);
        List<float[][]> after = decode(policy, true);
        assertNotEquals(before.get(2)[0][0], after.get(2)[0][0], "a weight update must change the sampled logits");
        assertClose(fullForward(policy), after, 1e-4);
    }

    @Test
    void rejectsSequencesBeyondTheContext() {
        TransformerPolicy policy = tinyPolicy();
        DecodeSession s = policy.openSession(1, 64, true);
        s.prefill(new int[][]{new int[32]});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.step(new int[]{1}));
        assertTrue(e.getMessage().contains("context length"), e.getMessage());
    }
}
