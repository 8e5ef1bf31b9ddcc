package io.dl4jrl.train;

import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TrainingPiecesTest {

    @Test
    void passAtKMatchesHandComputedValues() {
        assertEquals(0.4, Evaluator.passAtK(5, 2, 1), 1e-12);
        assertEquals(1 - 3.0 / 10, Evaluator.passAtK(5, 2, 2), 1e-12);      // 1 - C(3,2)/C(5,2)
        assertEquals(1 - 1.0 / 10, Evaluator.passAtK(5, 2, 3), 1e-12);      // 1 - C(3,3)/C(5,3)
        assertEquals(1.0, Evaluator.passAtK(5, 2, 4), 1e-12);               // fewer wrong than k
        assertEquals(0.0, Evaluator.passAtK(8, 0, 4), 1e-12);
        assertEquals(1.0, Evaluator.passAtK(8, 8, 1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Evaluator.passAtK(3, 1, 4));
    }

    @Test
    void warmupThenLinearDecay() {
        WarmupLinearDecay s = new WarmupLinearDecay(1.0, 4, 12);
        assertEquals(0.25, s.valueAt(0, 0), 1e-12);
        assertEquals(1.0, s.valueAt(3, 0), 1e-12);
        assertEquals(1.0, s.valueAt(4, 0), 1e-12);
        assertEquals(0.5, s.valueAt(8, 0), 1e-12);
        assertEquals(0.125, s.valueAt(11, 0), 1e-12);
        assertEquals(0.0, s.valueAt(12, 0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new WarmupLinearDecay(1.0, 5, 5));
    }

    @Test
    void sftBatchMasksExactlyTheSolutionAndEos() {
        CharTokenizer tok = new CharTokenizer();
        PromptFormat fmt = new PromptFormat("", ":");
        Problem a = new Problem("a", "ab", "xy", "0", 1);   // sequence "ab:xy<eos>"
        Problem b = new Problem("b", "c", "z", "0", 1);     // sequence "c:z<eos>"
        SftBatch batch = SftBatch.of(List.of(a, b), tok, fmt);
        // inputs  a: a b : x y     targets a: b : x y <eos>     mask a: 0 0 1 1 1
        // inputs  b: c : z pad pad targets b: : z <eos> pad pad mask b: 0 1 1 0 0
        assertArrayEquals(new float[]{0, 0, 1, 1, 1}, batch.lossMask().getRow(0).toFloatVector());
        assertArrayEquals(new float[]{0, 1, 1, 0, 0}, batch.lossMask().getRow(1).toFloatVector());
        assertEquals(tok.eosId(), batch.targetIds().getInt(0, 4));
        assertEquals(tok.eosId(), batch.targetIds().getInt(1, 2));
        assertEquals(tok.encode(":")[0], batch.inputIds().getInt(0, 2));
        assertEquals(tok.padId(), batch.inputIds().getInt(1, 3));
        assertEquals(5, batch.trainedTokens());
    }

    @Test
    void configsRejectBadValuesByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SftConfig.builder().steps(0).build());
        assertTrue(e.getMessage().contains("steps"));
        e = assertThrows(IllegalArgumentException.class, () -> SftConfig.builder().learningRate(Double.NaN).build());
        assertTrue(e.getMessage().contains("learningRate"));
        e = assertThrows(IllegalArgumentException.class, () -> SftConfig.builder().steps(10).warmupSteps(10).build());
        assertTrue(e.getMessage().contains("warmupSteps"));
    }
}
