package io.dl4jrl.train;

import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.pref.DpoConfig;
import io.dl4jrl.pref.DpoTrainer;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Oversized batches are refused before anything is allocated or evaluated, naming the setting (issue 19). */
class MemoryBudgetTest {
    final CharTokenizer tok = new CharTokenizer();
    final List<Problem> train = CopyTask.problems(false);
    final List<Problem> test = CopyTask.problems(true);

    TransformerPolicy policy() {
        return new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(24).dModel(16)
                .nLayers(1).nHeads(2).mlpRatio(2).seed(1).build());
    }

    /** Counts evaluations: a refused run must not have started one. */
    static final class Evaluations implements TrainingListener {
        int count;

        @Override
        public void onEvaluation(long step, EvalResult result) {
            count++;
        }
    }

    @Test
    void saturatingArithmeticNeverWrapsToASmallEstimate() {
        assertEquals(24, MemoryBudget.product(2, 3, 4));
        assertEquals(Long.MAX_VALUE, MemoryBudget.product(100_000_000L, 100_000_000L, 100_000_000L));
        assertEquals(0, MemoryBudget.product(5, 0, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, MemoryBudget.sum(Long.MAX_VALUE - 1, 2));
        assertEquals(7, MemoryBudget.sum(3, 4));
        assertEquals("1.5 GiB", MemoryBudget.bytes(3L << 29));
        assertEquals("more than 8 EiB", MemoryBudget.bytes(Long.MAX_VALUE));
    }

    @Test
    void refusalNamesTheWorkTheMachineAndTheRemedy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryBudget.require("a step of --batch-size 9", Long.MAX_VALUE, 0, "lower --batch-size"));
        assertTrue(e.getMessage().startsWith("a step of --batch-size 9 needs at least more than 8 EiB of memory"), e.getMessage());
        assertTrue(e.getMessage().contains("lower --batch-size"), e.getMessage());
        assertTrue(e.getMessage().contains("-Ddl4jrl.memoryCheck=off"), e.getMessage());
        IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                () -> MemoryBudget.require("w", 0, MemoryBudget.heapBytes() + 1, "r"));
        assertTrue(heap.getMessage().contains("Java heap"), heap.getMessage());
        assertDoesNotThrow(() -> MemoryBudget.require("w", 1 << 20, 1 << 20, "r"));
    }

    @Test
    void theCheckCanBeSwitchedOff() {
        System.setProperty(MemoryBudget.SKIP_PROPERTY, "off");
        try {
            assertDoesNotThrow(() -> MemoryBudget.require("w", Long.MAX_VALUE, Long.MAX_VALUE, "r"));
        } finally {
            System.clearProperty(MemoryBudget.SKIP_PROPERTY);
        }
    }

    @Test
    void activationEstimateGrowsWithRowsAndWidthAndCoversTheLogits() {
        TransformerPolicy p = policy();
        long one = p.trainingPassBytes(1, 8);
        assertTrue(one >= 8L * tok.vocabSize() * 4, "at least the logits");
        assertEquals(2 * one, p.trainingPassBytes(2, 8));
        assertTrue(p.trainingPassBytes(1, 16) > 2 * one, "attention scores grow with the square of the width");
        assertEquals(Long.MAX_VALUE, p.trainingPassBytes(Long.MAX_VALUE / 2, 24));
        assertTrue(p.weightBytes() > 0 && p.weightBytes() % 4 == 0);
    }

    @Test
    void sftRefusesAnOversizedBatchBeforeTheFirstEvaluation() {
        Evaluations evals = new Evaluations();
        SftTrainer t = new SftTrainer(policy(), tok, PromptFormat.DEFAULT, SftConfig.builder().steps(2).batchSize(1_000_000_000)
                .warmupSteps(0).evalProblems(4).maxNewTokens(4).build()).addListener(evals);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.train(train, test));
        assertTrue(e.getMessage().contains("batchSize (--batch-size) 1000000000"), e.getMessage());
        assertEquals(0, evals.count);
        assertEquals(0, t.step());
    }

    @Test
    void rlRefusesAnOversizedIterationBeforeTheFirstEvaluation() {
        Evaluations evals = new Evaluations();
        RlTrainer t = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), RlConfig.preset("grpo").iterations(1)
                .promptsPerIteration(200_000_000).groupSize(8).miniBatchSize(16).maxNewTokens(6).evalProblems(4).build());
        t.addListener(evals);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.train(train, test));
        assertTrue(e.getMessage().contains("promptsPerIteration (--prompts) 200000000 x groupSize (--group-size) 8"), e.getMessage());
        assertEquals(0, evals.count);
    }

    @Test
    void rolloutCountBeyondAnIntIsRefusedByTheConfig() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RlConfig.preset("grpo").promptsPerIteration(Integer.MAX_VALUE).groupSize(2).build());
        assertTrue(e.getMessage().contains("promptsPerIteration x groupSize"), e.getMessage());
    }

    @Test
    void dpoRefusesAnOversizedBatchOfPairs() {
        List<io.dl4jrl.pref.TokenizedPair> pairs = io.dl4jrl.pref.TokenizedPair.fitting(List.of(
                new io.dl4jrl.pref.PreferencePair("p1", "1+1=", "2", "3", "2")), tok, 24);
        DpoTrainer t = new DpoTrainer(policy(), tok, PromptFormat.DEFAULT, DpoConfig.builder().steps(2).warmupSteps(0)
                .pairsPerBatch(1_000_000_000).evalProblems(1).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.train(pairs, pairs, List.of()));
        assertTrue(e.getMessage().contains("pairsPerBatch (--batch-pairs) 1000000000"), e.getMessage());
    }
}
