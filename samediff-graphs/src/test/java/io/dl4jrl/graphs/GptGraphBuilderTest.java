package io.dl4jrl.graphs;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class GptGraphBuilderTest {

    static TransformerConfig tiny() {
        return TransformerConfig.builder().vocabSize(11).contextLength(16).dModel(8).nLayers(2).nHeads(2)
                .mlpRatio(2).initStd(0.3).seed(7).build();
    }

    static INDArray ids(int[][] rows) {
        return Nd4j.createFromArray(rows).castTo(DataType.INT32);
    }

    @Test
    void forwardHasContractShapes() {
        PolicyGraph policy = new GptGraphBuilder(tiny()).build();
        Map<String, INDArray> out = policy.sameDiff().output(
                Map.of(PolicyGraph.INPUT_IDS, ids(new int[][]{{1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}})),
                PolicyGraph.LOGITS, PolicyGraph.HIDDEN);
        assertArrayEquals(new long[]{2, 5, 11}, out.get(PolicyGraph.LOGITS).shape());
        assertArrayEquals(new long[]{2, 5, 8}, out.get(PolicyGraph.HIDDEN).shape());
    }

    @Test
    void positionDependsOnlyOnEarlierTokens() {
        PolicyGraph policy = new GptGraphBuilder(tiny()).build();
        SameDiff sd = policy.sameDiff();
        INDArray a = sd.output(Map.of(PolicyGraph.INPUT_IDS, ids(new int[][]{{1, 2, 3, 4, 5, 6}})), PolicyGraph.LOGITS)
                .get(PolicyGraph.LOGITS);
        INDArray b = sd.output(Map.of(PolicyGraph.INPUT_IDS, ids(new int[][]{{1, 2, 3, 9, 0, 10}})), PolicyGraph.LOGITS)
                .get(PolicyGraph.LOGITS);
        INDArray prefixA = a.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3), NDArrayIndex.all());
        INDArray prefixB = b.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3), NDArrayIndex.all());
        assertTrue(prefixA.equalsWithEps(prefixB, 1e-6), "logits before the changed token must not change");
        INDArray suffixA = a.get(NDArrayIndex.all(), NDArrayIndex.point(3), NDArrayIndex.all());
        INDArray suffixB = b.get(NDArrayIndex.all(), NDArrayIndex.point(3), NDArrayIndex.all());
        assertFalse(suffixA.equalsWithEps(suffixB, 1e-6), "logits at the changed token must change");
    }

    @Test
    void sameSeedSameWeights() {
        SameDiff a = new GptGraphBuilder(tiny()).build().sameDiff();
        SameDiff b = new GptGraphBuilder(tiny()).build().sameDiff();
        assertEquals(a.getArrForVarName(GptNames.attnW(1)), b.getArrForVarName(GptNames.attnW(1)));
        SameDiff c = new GptGraphBuilder(tiny().toBuilder().seed(8).build()).build().sameDiff();
        assertNotEquals(a.getArrForVarName(GptNames.attnW(1)), c.getArrForVarName(GptNames.attnW(1)));
    }

    @Test
    void parameterCountMatchesGraph() {
        for (boolean tied : new boolean[]{true, false}) {
            TransformerConfig config = tiny().toBuilder().tieEmbeddings(tied).build();
            SameDiff sd = new GptGraphBuilder(config).build().sameDiff();
            long n = sd.variables().stream().filter(v -> v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE)
                    .mapToLong(v -> v.getArr().length()).sum();
            assertEquals(config.parameterCount(), n);
        }
    }

    @Test
    void sftLossGradientsMatchFiniteDifferences() {
        checkSftGradients(tiny());
    }

    @Test
    void gpt2sTanhGeluAndLayerNormEpsilonGradientsMatchFiniteDifferences() {
        checkSftGradients(tiny().toBuilder().activation(Activation.GELU_TANH).layerNormEpsilon(1e-5).build());
    }

    private static void checkSftGradients(TransformerConfig config) {
        PolicyGraph policy = new GptGraphBuilder(config, DataType.DOUBLE).build();
        SameDiff sd = policy.sameDiff();
        SftLoss.attach(sd, TokenLogProbs.attach(policy, 11));
        Map<String, INDArray> feed = Map.of(
                PolicyGraph.INPUT_IDS, ids(new int[][]{{1, 2, 3, 4, 5}, {6, 7, 8, 9, 0}}),
                TokenLogProbs.TARGET_IDS, ids(new int[][]{{2, 3, 4, 5, 6}, {7, 8, 9, 10, 0}}),
                SftLoss.LOSS_MASK, Nd4j.createFromArray(new double[][]{{0, 1, 1, 1, 1}, {0, 0, 1, 1, 0}}));
        // Every parameter array, up to 12 entries each, central differences with eps 1e-6 in double.
        GradientCheck.Result result = GradientCheck.check(sd, feed, 12, 1e-6, 1e-9, 3);
        assertTrue(result.entries().size() > 150, "checked " + result.entries().size());
        assertTrue(result.passed(1e-4), "worst entry: " + result.worst());
    }

    @Test
    void configRejectsBadValuesByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tiny().toBuilder().dModel(10).nHeads(4).build());
        assertTrue(e.getMessage().contains("dModel"));
        e = assertThrows(IllegalArgumentException.class, () -> tiny().toBuilder().nLayers(0).build());
        assertTrue(e.getMessage().contains("nLayers"));
        e = assertThrows(IllegalArgumentException.class, () -> TransformerConfig.builder().build());
        assertTrue(e.getMessage().contains("vocabSize"));
    }

    @Test
    void contractRejectsGraphsWithoutRequiredVariables() {
        SameDiff sd = SameDiff.create();
        sd.placeHolder("ids", DataType.FLOAT, -1, -1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyGraph.of(sd, "ids", "logits"));
        assertTrue(e.getMessage().contains("integer"), e.getMessage());
        SameDiff sd2 = SameDiff.create();
        sd2.placeHolder("ids", DataType.INT32, -1, -1);
        e = assertThrows(IllegalArgumentException.class, () -> PolicyGraph.of(sd2, "ids", "logits"));
        assertTrue(e.getMessage().contains("'logits'"), e.getMessage());
    }
}
