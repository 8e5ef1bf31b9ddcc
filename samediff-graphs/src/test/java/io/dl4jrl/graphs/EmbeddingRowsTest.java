package io.dl4jrl.graphs;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class EmbeddingRowsTest {
    private static INDArray table(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return Nd4j.createFromArray(v).reshape(rows, cols);
    }

    @Test
    void forwardIsTheRowsOfTheIds() {
        SameDiff sd = SameDiff.create();
        INDArray t = table(5, 3, 1);
        SDVariable out = EmbeddingRows.lookup(sd, sd.var("t", t), sd.placeHolder("ids", DataType.INT32, -1, -1));
        INDArray got = out.eval(Map.of("ids", Nd4j.createFromArray(new int[][]{{4, 0}, {4, 2}})));
        assertArrayEquals(new long[]{4, 3}, got.shape());
        int[] ids = {4, 0, 4, 2};
        for (int n = 0; n < ids.length; n++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(t.getDouble(ids[n], c), got.getDouble(n, c), 0.0);
            }
        }
    }

    @Test
    void gradientAddsTheRowsOfRepeatedIdsAndMatchesFiniteDifferencesWithTwoLookupsInOneGraph() {
        SameDiff sd = SameDiff.create();
        SDVariable ids = sd.placeHolder("ids", DataType.INT32, -1);
        SDVariable a = EmbeddingRows.lookup(sd, sd.var("a", table(7, 3, 2)), ids);
        SDVariable b = EmbeddingRows.lookup(sd, sd.var("b", table(5, 3, 3)), ids);
        SDVariable weights = sd.constant(table(6, 3, 4));
        sd.setLossVariables(a.mul(a).mul(weights).add(b.mul(weights)).sum());
        // id 1 three times, 4 twice: their rows' gradients must add up
        Map<String, INDArray> feed = Map.of("ids", Nd4j.createFromArray(1, 1, 4, 2, 1, 4));
        GradientCheck.Result r = GradientCheck.check(sd, feed, 100, 1e-6, 1e-9, 5);
        assertEquals(7 * 3 + 5 * 3, r.entries().size(), "every entry of both tables checked");
        assertTrue(r.passed(1e-6), "worst: " + r.worst());
        // by hand: d/db[1][c] = sum over the three positions holding id 1 of weights[n][c]
        INDArray g = sd.calculateGradients(feed, "b").get("b");
        INDArray w = weights.getArr();
        for (int c = 0; c < 3; c++) {
            assertEquals(w.getDouble(0, c) + w.getDouble(1, c) + w.getDouble(4, c), g.getDouble(1, c), 1e-12);
            assertEquals(0.0, g.getDouble(3, c), 0.0, "an id that never occurs gets no gradient");
        }
    }

    @Test
    void theOpSurvivesTheFlatBuffersCloneThatBuildsTheGradientFunction() {
        SameDiff sd = SameDiff.create();
        EmbeddingRows.lookup(sd, sd.var("t", table(4, 2, 6)), sd.placeHolder("ids", DataType.INT32, -1)).sum();
        SameDiff copy = sd.dup();
        assertTrue(copy.getOps().values().stream().anyMatch(op -> op.getOp() instanceof EmbeddingRows));
    }
}
