package io.dl4jrl.pref;

import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.pref.KtoLoss;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.task.JsonlFormatException;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.dl4jrl.pref.ToyPreferences.TOK;
import static org.junit.jupiter.api.Assertions.*;

/** KTO on unpaired examples: the first step's value, learning the labels, unpaired files and an exact resume. */
class KtoTrainerTest {
    @TempDir
    Path dir;

    final List<UnpairedExample.Tokenized> train = UnpairedExample.fitting(UnpairedExample.fromPairs(ToyPreferences.pairs(120, 1)), TOK, 32);
    final List<UnpairedExample.Tokenized> heldOut = UnpairedExample.fitting(UnpairedExample.fromPairs(ToyPreferences.pairs(60, 2)), TOK, 32);

    KtoConfig.Builder config() {
        return KtoConfig.builder().loss(new KtoLoss(0.5, 1, 1)).steps(40).examplesPerBatch(16).learningRate(3e-3).warmupSteps(2).evalEvery(20)
                .evalProblems(1);
    }

    static List<StepMetrics> record(KtoTrainer t) {
        List<StepMetrics> steps = new ArrayList<>();
        t.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                steps.add(m);
            }
        });
        return steps;
    }

    @Test
    void startsAtOneHalfAndLearnsWhichCompletionsAreDesirable() throws Exception {
        KtoTrainer t = new KtoTrainer(new TransformerPolicy(ToyPreferences.model()), TOK, PromptFormat.DEFAULT, config().build());
        List<StepMetrics> steps = record(t);
        t.train(train, heldOut, List.of());
        // The policy starts as its own reference: r = 0 and z0 = 0, so every example's loss is 1 − σ(0) = 1/2.
        assertEquals(0.5, steps.get(0).get("loss"), 1e-5);
        assertEquals(0.0, steps.get(0).get("kl"), 1e-5);
        StepMetrics last = steps.get(steps.size() - 1);
        assertTrue(last.get("loss") < 0.4, "loss falls: " + last.values());
        assertTrue(last.get("reward_desirable") > last.get("reward_undesirable"), last.values().toString());
        assertTrue(t.lastLabelAccuracy() >= 0.8, "held-out label accuracy " + t.lastLabelAccuracy());
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne() throws Exception {
        KtoTrainer straight = new KtoTrainer(new TransformerPolicy(ToyPreferences.model()), TOK, PromptFormat.DEFAULT, config().steps(6)
                .evalEvery(0).build());
        straight.train(train, heldOut, List.of());
        KtoTrainer first = new KtoTrainer(new TransformerPolicy(ToyPreferences.model()), TOK, PromptFormat.DEFAULT, config().steps(6)
                .evalEvery(0).build()).checkpointEvery(dir, 3);
        List<StepMetrics> steps = record(first);
        first.train(train, heldOut, List.of());
        var c = CheckpointStore.load(dir.resolve("kto-step-000003.ckpt"));
        KtoTrainer resumed = new KtoTrainer(CheckpointStore.loadModel(c), TOK, PromptFormat.DEFAULT, config().steps(6).evalEvery(0).build());
        resumed.resume(c);
        resumed.train(train, heldOut, List.of());
        var expected = straight.policy().graph().sameDiff();
        var actual = resumed.policy().graph().sameDiff();
        for (var v : expected.variables()) {
            if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                assertTrue(v.getArr().equalsWithEps(actual.getArrForVarName(v.name()), 1e-6), v.name());
            }
        }
        assertEquals(6, steps.size());
    }

    @Test
    void unpairedFilesAreReadAndMalformedRowsNamed() throws Exception {
        Path file = dir.resolve("kto.jsonl");
        Files.writeString(file, "{\"prompt\": \"Q: 1+1\\nA: \", \"completion\": \"2\", \"label\": true}\n\n"
                + "{\"prompt\": \"Q: 1+1\\nA: \", \"completion\": \"3\", \"label\": false, \"id\": \"x\"}\n");
        List<UnpairedExample> examples = UnpairedJsonl.load(file);
        assertEquals(2, examples.size());
        assertTrue(examples.get(0).desirable());
        assertEquals("kto-0", examples.get(0).id());
        assertEquals("x", examples.get(1).id());
        Files.writeString(file, "{\"prompt\": \"p\", \"completion\": \"c\", \"label\": \"yes\"}\n");
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> UnpairedJsonl.load(file));
        assertTrue(e.getMessage().contains(":1") && e.getMessage().contains("'label'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KtoConfig.builder().examplesPerBatch(1).build());
    }
}
