package io.dl4jrl.memory;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class EpisodicMemoryTest {

    @Test
    void knnMatchesBruteForceOnRandomData() {
        Random random = new Random(3);
        int n = 500;
        int d = 24;
        float[][] stored = new float[n][d];
        float[][] queries = new float[20][d];
        for (float[] row : stored) for (int c = 0; c < d; c++) row[c] = (float) random.nextGaussian();
        for (float[] row : queries) for (int c = 0; c < d; c++) row[c] = (float) random.nextGaussian();
        CosineKnn knn = new CosineKnn(Nd4j.createFromArray(stored));
        CosineKnn.Result r = knn.query(Nd4j.createFromArray(queries), 5);
        for (int q = 0; q < queries.length; q++) {
            float[] query = queries[q];
            int[] expected = IntStream.range(0, n).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -cosine(query, stored[i])).thenComparingInt(i -> i))
                    .limit(5).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, r.indices()[q], "query " + q);
            for (int j = 0; j < 5; j++) {
                assertEquals(cosine(query, stored[expected[j]]), r.similarities()[q][j], 1e-5);
            }
        }
        assertEquals(3, new CosineKnn(Nd4j.createFromArray(new float[][]{{1, 0}, {0, 1}, {1, 1}})).query(
                Nd4j.createFromArray(new float[][]{{1, 0}}), 10).indices()[0].length, "k above the stored count gives them all");
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void evictionIsFifoPerKeyAndAcrossKeys() {
        EpisodicMemory m = new EpisodicMemory(2, 2);
        m.add("a", new float[]{1, 0}, new float[]{1, 1});
        m.add("a", new float[]{1, 0}, new float[]{2, 2});
        m.add("a", new float[]{1, 0}, new float[]{3, 3});
        assertEquals(2, m.values(), "per-key capacity 2: the first embedding went");
        EpisodicMemory.Snapshot s = m.snapshot();
        assertArrayEquals(new float[]{2.5f, 2.5f}, s.centroids()[0], 1e-6f);
        m.add("b", new float[]{0, 1}, new float[]{0, 0});
        m.add("a", new float[]{1, 0}, new float[]{4, 4}); // a revisit makes "a" the newest key
        m.add("c", new float[]{1, 1}, new float[]{0, 0});
        assertEquals(List.of("a", "c"), m.ids(), "two keys at most; the oldest (b) went");
    }

    static INDArray rows(float[]... r) {
        return Nd4j.createFromArray(r).castTo(DataType.FLOAT);
    }

    @Test
    void identicalToAPastSuccessGivesTheFullExploitationBonus() {
        MemoryBonus bonus = new MemoryBonus(MemoryConfig.builder().exploreCoefficient(0).build());
        INDArray q = rows(new float[]{1, 0, 0});
        // First batch: nothing remembered yet, so no bonus; the success is stored.
        MemoryBonus.Bonuses first = bonus.score(0, List.of("p"), q, rows(new float[]{0, 2, 0}), new boolean[]{true});
        assertEquals(0.0, first.exploit()[0]);
        // Same reasoning again, and one far away: the identical one gets 1 (distance 0 is the window's minimum).
        MemoryBonus.Bonuses b = bonus.score(1, List.of("p", "p"), rows(new float[]{1, 0, 0}, new float[]{1, 0, 0}),
                rows(new float[]{0, 2, 0}, new float[]{9, -5, 3}), new boolean[]{false, false});
        assertEquals(1.0, b.exploit()[0], 1e-9);
        assertEquals(0.0, b.exploit()[1], 1e-9, "the farthest in the window gets 0");
        assertEquals(0.5, b.metrics().get("bonus_exploit_mean"), 1e-9);
    }

    @Test
    void farFromEveryFailureGivesTheFullExplorationBonus() {
        MemoryBonus bonus = new MemoryBonus(MemoryConfig.builder().exploitCoefficient(0).minFailureKeys(1).build());
        INDArray q = rows(new float[]{1, 0});
        bonus.score(0, List.of("p"), q, rows(new float[]{1, 0}), new boolean[]{false});
        MemoryBonus.Bonuses b = bonus.score(1, List.of("p", "p"), rows(new float[]{1, 0}, new float[]{1, 0}),
                rows(new float[]{-1, 0}, new float[]{2, 0}), new boolean[]{false, false});
        assertEquals(1.0, b.explore()[0], 1e-9, "opposite to the stored failure: novelty 2, the window's max");
        assertEquals(0.0, b.explore()[1], 1e-9, "same direction as the stored failure: novelty 0");
        MemoryBonus gated = new MemoryBonus(MemoryConfig.builder().minFailureKeys(5).build());
        gated.score(0, List.of("p"), q, rows(new float[]{1, 0}), new boolean[]{false});
        assertEquals(0.0, gated.score(1, List.of("p"), q, rows(new float[]{-1, 0}), new boolean[]{false}).explore()[0],
                "no exploration bonus until the failure memory holds minFailureKeys keys");
    }

    @Test
    void weightsDecayLinearlyWhenAsked() {
        MemoryConfig c = MemoryConfig.builder().decayIterations(10).build();
        assertEquals(1.0, c.decay(0));
        assertEquals(0.5, c.decay(5));
        assertEquals(0.0, c.decay(12));
        assertEquals(1.0, MemoryConfig.builder().build().decay(1000));
    }

    @Test
    void memoriesAndWindowsSurviveAJsonRoundTrip() throws Exception {
        MemoryConfig config = MemoryConfig.builder().minFailureKeys(1).build();
        MemoryBonus original = new MemoryBonus(config);
        Random random = new Random(9);
        for (int it = 0; it < 3; it++) {
            float[][] q = new float[4][6];
            float[][] r = new float[4][6];
            for (int i = 0; i < 4; i++) for (int c = 0; c < 6; c++) { q[i][c] = (float) random.nextGaussian(); r[i][c] = (float) random.nextGaussian(); }
            original.score(it, List.of("a", "b", "a", "c"), rows(q), rows(r), new boolean[]{true, false, false, true});
        }
        String text = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(original.toJson());
        MemoryBonus restored = new MemoryBonus(config);
        restored.restore(new com.fasterxml.jackson.databind.ObjectMapper().readTree(text), "test");
        INDArray q = rows(new float[]{1, 0, 0, 0, 0, 0}, new float[]{0, 1, 0, 0, 0, 0});
        INDArray r = rows(new float[]{0, 0, 1, 0, 0, 0}, new float[]{0, 0, 0, 1, 1, 0});
        MemoryBonus.Bonuses a = original.score(3, List.of("a", "d"), q, r, new boolean[]{false, false});
        MemoryBonus.Bonuses b = restored.score(3, List.of("a", "d"), q, r, new boolean[]{false, false});
        assertArrayEquals(a.exploit(), b.exploit(), 1e-6);
        assertArrayEquals(a.explore(), b.explore(), 1e-6);
        assertEquals(original.failureMemory().ids(), restored.failureMemory().ids());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> restored.restore(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{}"), "ckpt.zip"));
        assertTrue(e.getMessage().startsWith("ckpt.zip"), e.getMessage());
    }
}
