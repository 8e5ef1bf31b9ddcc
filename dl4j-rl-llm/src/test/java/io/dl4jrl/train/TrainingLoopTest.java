package io.dl4jrl.train;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.policy.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The one rule every trainer follows: when it evaluates, tells listeners, stops early and checkpoints. */
class TrainingLoopTest {
    @TempDir
    Path dir;

    /** Counts; its loss is 10 − step, its evaluation reports "eval_at". */
    static final class Counting implements TrainingLoop.Trainer {
        final long last;
        long step;
        final List<Long> evaluations = new ArrayList<>();

        Counting(long from, long last) {
            this.step = from;
            this.last = last;
        }

        @Override
        public long step() {
            return step;
        }

        @Override
        public long lastStep() {
            return last;
        }

        @Override
        public StepMetrics runStep() {
            step++;
            return new StepMetrics(step, "test", Map.of("loss", 10.0 - step));
        }

        @Override
        public Map<String, Double> evaluate() {
            evaluations.add(step);
            return Map.of("eval_at", (double) step);
        }

        @Override
        public Checkpoint checkpoint() {
            return new Checkpoint("test", step, ModelSpec.of("test-model", Map.of()), null, 0, Map.of(), Map.of(), null);
        }
    }

    @Test
    void evaluatesAtTheStartEveryNAndAtTheEndAndMergesEvaluationMetrics() throws IOException {
        Counting t = new Counting(0, 7);
        List<StepMetrics> told = new ArrayList<>();
        List<Long> ended = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                told.add(m);
            }

            @Override
            public void onEnd(long step) {
                ended.add(step);
            }
        };
        new TrainingLoop(List.of(l), new StepEnd.CheckpointSchedule(dir, 3, "t"), 3).run(t);
        assertEquals(List.of(0L, 3L, 6L, 7L), t.evaluations);
        assertEquals(7, told.size());
        assertEquals(3.0, told.get(2).values().get("eval_at"));
        assertFalse(told.get(3).values().containsKey("eval_at"));
        assertEquals(List.of(7L), ended);
        for (String f : List.of("t-000003.ckpt", "t-000006.ckpt", "t-000007.ckpt", "latest.ckpt")) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        assertEquals(7, CheckpointStore.load(dir.resolve("latest.ckpt")).step());
    }

    @Test
    void aResumedRunDoesNotReEvaluateItsStartAndAnEarlyStopEndsLikeANormalEnd() throws IOException {
        Counting t = new Counting(4, 20);
        EarlyStopping stop = new EarlyStopping("loss", EarlyStopping.Mode.MINIMIZE, 0, 0, 4.0);
        new TrainingLoop(List.of(stop), new StepEnd.CheckpointSchedule(dir, 100, "t"), 0).run(t);
        assertEquals(6, t.step(), "stops when the loss reaches 4");
        assertEquals(List.of(6L), t.evaluations, "no start evaluation on resume; the early stop evaluates");
        assertEquals(6, CheckpointStore.load(dir.resolve("latest.ckpt")).step());
    }

    @Test
    void aContinuedMetricsFileDropsRowsPastTheCheckpointAndACutLine() throws IOException {
        Path csv = dir.resolve("metrics.csv");
        Files.writeString(csv, "step,phase,metric,value\n0,eval,accuracy,0.1\n1,sft,loss,2.0\n2,sft,loss,1.5\n3,sft,loss,1.2\n3,ev");
        try (CsvMetricsListener l = CsvMetricsListener.continuing(csv, 2)) {
            l.onStep(new StepMetrics(3, "sft", Map.of("loss", 1.25)));
        }
        assertEquals(List.of("step,phase,metric,value", "0,eval,accuracy,0.1", "1,sft,loss,2.0", "2,sft,loss,1.5", "3,sft,loss,1.25000"),
                Files.readAllLines(csv));
        try (CsvMetricsListener l = CsvMetricsListener.continuing(csv, 0)) {
            l.onStep(new StepMetrics(1, "sft", Map.of("loss", 3.0)));
        }
        assertEquals(List.of("step,phase,metric,value", "1,sft,loss,3.00000"), Files.readAllLines(csv), "step 0 starts afresh");
    }
}
