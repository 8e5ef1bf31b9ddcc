package io.dl4jrl.graphs;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.ThreadSafeArrayHolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.util.DeviceLocal;

import java.lang.reflect.Field;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The check behind {@link SingleCopyArrays}: M2.1's default holder keeps a spare copy of every array; ours does not. */
class SingleCopyArraysTest {
    @Test
    void defaultHolderKeepsASpareCopyAndOursKeepsNone() throws Exception {
        SameDiff plain = SameDiff.create();
        plain.var("w", Nd4j.rand(DataType.FLOAT, 4, 3));
        assertNotNull(spareCopy(plain, "w"), "M2.1's holder no longer keeps a spare copy: SingleCopyArrays may be dropped");

        INDArray before = Nd4j.rand(DataType.FLOAT, 4, 3);
        SameDiff sd = SameDiff.create();
        sd.var("early", before);                     // added before the switch: carried over
        SingleCopyArrays.apply(sd);
        SingleCopyArrays.apply(sd);                  // idempotent
        INDArray w = Nd4j.rand(DataType.FLOAT, 4, 3);
        sd.var("w", w);
        sd.constant("c", Nd4j.ones(DataType.FLOAT, 3));
        assertNull(spareCopy(sd, "w"));
        assertSame(w, sd.getArrForVarName("w"));
        assertEquals(before, sd.getArrForVarName("early"));
        // the graph still computes and differentiates with the arrays it holds
        sd.setLossVariables(sd.getVariable("w").mmul(sd.getVariable("c").reshape(3, 1)).sum("loss"));
        assertEquals(w.sum(1).sumNumber().doubleValue(), sd.output(Map.of(), "loss").get("loss").getDouble(0), 1e-5);
        assertEquals(Nd4j.ones(DataType.FLOAT, 4, 3), sd.calculateGradients(Map.of(), "w").get("w"));
    }

    @Test
    void builtGraphsKeepOneCopyOfEachWeight() throws Exception {
        PolicyGraph policy = new GptGraphBuilder(GptGraphBuilderTest.tiny()).build();
        assertNull(spareCopy(policy.sameDiff(), "wte.weight"));
    }

    /** The holder's delayed copy of {@code name} (DeviceLocal.delayedArray), or null. */
    private static INDArray spareCopy(SameDiff sd, String name) throws Exception {
        Field map = ThreadSafeArrayHolder.class.getDeclaredField("map");
        map.setAccessible(true);
        Object local = ((Map<?, ?>) map.get(sd.getVariablesArrays())).get(name);
        Field delayed = DeviceLocal.class.getDeclaredField("delayedArray");
        delayed.setAccessible(true);
        return (INDArray) delayed.get(local);
    }
}
