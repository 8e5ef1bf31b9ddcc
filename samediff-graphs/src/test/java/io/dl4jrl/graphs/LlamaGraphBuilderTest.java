package io.dl4jrl.graphs;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlamaGraphBuilderTest {
    static TransformerConfig tiny() {
        return TransformerConfig.builder().architecture(Architecture.LLAMA).vocabSize(11).contextLength(16).dModel(8).nLayers(2)
                .nHeads(4).nKvHeads(2).mlpHidden(12).ropeTheta(100).layerNormEpsilon(1e-5).attentionBias(true).tieEmbeddings(false)
                .initStd(0.3).seed(3).build();
    }

    @Test
    void sftLossGradientsMatchFiniteDifferences() {
        PolicyGraph policy = new LlamaGraphBuilder(tiny(), DataType.DOUBLE).build();
        SameDiff sd = policy.sameDiff();
        // non-zero biases, so their gradients are not trivially those of a zero start
        for (var v : sd.variables()) {
            if (v.name().endsWith(".bias")) v.getArr().assign(Nd4j.rand(DataType.DOUBLE, v.getArr().shape()).subi(0.5));
        }
        SftLoss.attach(sd, TokenLogProbs.attach(policy, 11));
        Map<String, INDArray> feed = Map.of(
                PolicyGraph.INPUT_IDS, GptGraphBuilderTest.ids(new int[][]{{1, 2, 3, 4, 5}, {6, 7, 8, 9, 0}}),
                TokenLogProbs.TARGET_IDS, GptGraphBuilderTest.ids(new int[][]{{2, 3, 4, 5, 6}, {7, 8, 9, 10, 0}}),
                SftLoss.LOSS_MASK, Nd4j.createFromArray(new double[][]{{0, 1, 1, 1, 1}, {0, 0, 1, 1, 0}}));
        GradientCheck.Result result = GradientCheck.check(sd, feed, 12, 1e-6, 1e-9, 3);
        assertTrue(result.entries().size() > 150, "checked " + result.entries().size());
        assertTrue(result.passed(1e-4), "worst entry: " + result.worst());
    }

    @Test
    void configRejectsWhatRotaryAttentionCannotDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tiny().toBuilder().nHeads(8).nKvHeads(3).build());
        assertTrue(e.getMessage().contains("nKvHeads (3) must divide nHeads (8)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny().toBuilder().dModel(12).nHeads(4).nKvHeads(4).build());
        assertTrue(e.getMessage().contains("even head dimension, got 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GptGraphBuilder(tiny()).build());
        assertTrue(e.getMessage().contains("GptGraphBuilder builds GPT-2 configs"), e.getMessage());
    }
}
