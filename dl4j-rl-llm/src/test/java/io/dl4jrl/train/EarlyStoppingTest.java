package io.dl4jrl.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class EarlyStoppingTest {

    static EvalResult eval(double accuracy) {
        return new EvalResult(100, (int) Math.round(accuracy * 100), Map.of(1, accuracy), Map.of(), 10.0, List.of());
    }

    @Test
    void stopsAfterPatienceEvaluationsWithoutImprovement() {
        EarlyStopping es = EarlyStopping.onAccuracy(2);
        es.onEvaluation(10, eval(0.20));
        es.onEvaluation(20, eval(0.30));
        es.onEvaluation(30, eval(0.30)); // equal is not an improvement
        assertFalse(es.stopRequested());
        es.onEvaluation(40, eval(0.25));
        assertTrue(es.stopRequested());
        assertEquals(0.30, es.best());
        assertEquals(20, es.bestStep());
        assertTrue(es.reason().contains("accuracy has not improved for 2"), es.reason());
    }

    @Test
    void anImprovementResetsThePatience() {
        EarlyStopping es = EarlyStopping.onAccuracy(2);
        es.onEvaluation(10, eval(0.20));
        es.onEvaluation(20, eval(0.10));
        es.onEvaluation(30, eval(0.40));
        es.onEvaluation(40, eval(0.35));
        assertFalse(es.stopRequested());
        assertEquals(30, es.bestStep());
    }

    @Test
    void minDeltaIgnoresTinyGains() {
        EarlyStopping es = new EarlyStopping("accuracy", EarlyStopping.Mode.MAXIMIZE, 1, 0.05, null);
        es.onEvaluation(1, eval(0.50));
        es.onEvaluation(2, eval(0.53));
        assertTrue(es.stopRequested());
        assertEquals(0.50, es.best());
    }

    @Test
    void stepMetricsWithMinimizeAndATarget() {
        EarlyStopping es = new EarlyStopping("loss", EarlyStopping.Mode.MINIMIZE, 0, 0, 0.5);
        es.onStep(new StepMetrics(1, "sft", Map.of("loss", 2.0)));
        es.onEvaluation(1, eval(0.9)); // other metrics are ignored
        es.onStep(new StepMetrics(2, "sft", Map.of("loss", 0.6)));
        assertFalse(es.stopRequested());
        es.onStep(new StepMetrics(3, "sft", Map.of("loss", 0.5)));
        assertTrue(es.stopRequested());
        assertTrue(es.reason().contains("loss reached 0.5"), es.reason());
    }

    @Test
    void rejectsAConditionThatCanNeverStop() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EarlyStopping("accuracy", EarlyStopping.Mode.MAXIMIZE, 0, 0, null));
        assertTrue(e.getMessage().contains("patience"));
        assertThrows(IllegalArgumentException.class, () -> EarlyStopping.onAccuracy(-1));
    }
}
