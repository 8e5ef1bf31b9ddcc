package io.dl4jrl.graphs;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class HeadsTest {
    static final TransformerConfig CONFIG = GptGraphBuilderTest.tiny();

    @Test
    void valueHeadGivesOneValuePerTokenAndMatchesFiniteDifferences() {
        PolicyGraph policy = new GptGraphBuilder(CONFIG, DataType.DOUBLE).build();
        SameDiff sd = policy.sameDiff();
        SDVariable values = ValueHead.attach(policy, CONFIG.dModel());
        INDArray ids = GptGraphBuilderTest.ids(new int[][]{{1, 2, 3}, {4, 5, 6}});
        INDArray v = sd.output(Map.of(PolicyGraph.INPUT_IDS, ids), ValueHead.VALUES).get(ValueHead.VALUES);
        assertArrayEquals(new long[]{2, 3}, v.shape());
        // value = hidden . w + b, checked against the hidden states directly
        INDArray hidden = sd.output(Map.of(PolicyGraph.INPUT_IDS, ids), PolicyGraph.HIDDEN).get(PolicyGraph.HIDDEN);
        INDArray w = sd.getArrForVarName("value_head.weight");
        INDArray h12 = hidden.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1), org.nd4j.linalg.indexing.NDArrayIndex.point(2),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).reshape(1, CONFIG.dModel());
        double expected = h12.mmul(w).getDouble(0) + sd.getArrForVarName("value_head.bias").getDouble(0);
        assertEquals(expected, v.getDouble(1, 2), 1e-9);
        // squared error to fixed returns as a loss: gradients through head and body
        SDVariable returns = sd.placeHolder("returns", DataType.DOUBLE, -1, -1);
        SDVariable loss = values.sub(returns).mul(values.sub(returns)).mean();
        sd.setLossVariables(loss);
        GradientCheck.Result r = GradientCheck.check(sd, Map.of(PolicyGraph.INPUT_IDS, ids,
                "returns", Nd4j.createFromArray(new double[][]{{1, 0, 1}, {0, 0, 1}})), 6, 1e-6, 1e-9, 1);
        assertTrue(r.passed(1e-4), "worst: " + r.worst());
    }

    @Test
    void sequenceRewardIsReadAtTheLastRealToken() {
        PolicyGraph policy = new GptGraphBuilder(CONFIG, DataType.DOUBLE).build();
        SameDiff sd = policy.sameDiff();
        SequenceRewardHead.attach(policy, CONFIG.dModel());
        // Same sequence [1,2,3] alone and right-padded with junk after a last-token mask at index 2.
        INDArray alone = sd.output(Map.of(PolicyGraph.INPUT_IDS, GptGraphBuilderTest.ids(new int[][]{{1, 2, 3}}),
                        SequenceRewardHead.LAST_TOKEN_MASK, Nd4j.createFromArray(new double[][]{{0, 0, 1}})),
                SequenceRewardHead.SEQUENCE_REWARD).get(SequenceRewardHead.SEQUENCE_REWARD);
        INDArray padded = sd.output(Map.of(PolicyGraph.INPUT_IDS, GptGraphBuilderTest.ids(new int[][]{{1, 2, 3, 9, 9}, {4, 4, 0, 0, 0}}),
                        SequenceRewardHead.LAST_TOKEN_MASK, Nd4j.createFromArray(new double[][]{{0, 0, 1, 0, 0}, {0, 1, 0, 0, 0}})),
                SequenceRewardHead.SEQUENCE_REWARD).get(SequenceRewardHead.SEQUENCE_REWARD);
        assertArrayEquals(new long[]{2}, padded.shape());
        assertEquals(alone.getDouble(0), padded.getDouble(0), 1e-9);
        assertNotEquals(padded.getDouble(0), padded.getDouble(1));
    }

    @Test
    void headsNeedHiddenStates() {
        SameDiff sd = SameDiff.create();
        sd.placeHolder("ids", DataType.INT32, -1, -1);
        sd.var("logits", DataType.FLOAT, 1, 1, 1);
        PolicyGraph noHidden = PolicyGraph.of(sd, "ids", "logits");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ValueHead.attach(noHidden, 4));
        assertTrue(e.getMessage().contains("hidden"));
    }
}
