package io.dl4jrl.pref;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.pref.DpoLoss;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.dl4jrl.pref.ToyPreferences.TOK;
import static org.junit.jupiter.api.Assertions.*;

/** DPO's mechanics (reference cache, first-step loss, resume) and its learning on a toy preference set. */
class DpoTrainerTest {
    @TempDir
    Path dir;

    final List<TokenizedPair> train = ToyPreferences.tokenized(120, 1);
    final List<TokenizedPair> heldOut = ToyPreferences.tokenized(60, 2);

    DpoConfig.Builder config(DpoLoss loss) {
        return DpoConfig.builder().loss(loss).steps(40).pairsPerBatch(8).learningRate(3e-3).warmupSteps(2).evalEvery(20)
                .evalProblems(1);
    }

    private static List<StepMetrics> record(DpoTrainer t) {
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
    void dpoStartsAtLog2AndLearnsTheHeldOutPreference() throws Exception {
        TransformerPolicy start = new TransformerPolicy(ToyPreferences.model());
        DpoTrainer trainer = new DpoTrainer(start, TOK, PromptFormat.DEFAULT, config(DpoLoss.dpo()).build());
        List<StepMetrics> steps = record(trainer);
        trainer.train(train, heldOut, List.of());
        // The policy starts as its own reference: h = 0, so the first loss is −log σ(0) = log 2 and the margin 0.
        assertEquals(Math.log(2), steps.get(0).values().get("loss"), 1e-5);
        assertEquals(0, steps.get(0).values().get("reward_margin"), 1e-5);
        StepMetrics last = steps.get(steps.size() - 1);
        assertTrue(last.values().get("loss") < 0.5, "loss falls: " + last.values());
        assertTrue(trainer.lastPreferenceAccuracy() >= 0.95, "held-out preference accuracy " + trainer.lastPreferenceAccuracy());
        double gapBefore = steps.get(0).values().get("logps_chosen") - steps.get(0).values().get("logps_rejected");
        double gapAfter = last.values().get("logps_chosen") - last.values().get("logps_rejected");
        assertTrue(gapAfter > gapBefore + 1, gapBefore + " -> " + gapAfter);
    }

    @Test
    void rpoAddsTheChosenNllToTheLoss() throws Exception {
        DpoTrainer trainer = new DpoTrainer(new TransformerPolicy(ToyPreferences.model()), TOK, PromptFormat.DEFAULT,
                config(DpoLoss.dpo()).chosenNllWeight(1.0).steps(3).evalEvery(0).build());
        List<StepMetrics> steps = record(trainer);
        trainer.train(train, heldOut, List.of());
        var first = steps.get(0).values();
        assertEquals(Math.log(2), first.get("preference_loss"), 1e-5);
        assertTrue(first.get("chosen_nll") > 0);
        assertEquals(first.get("preference_loss") + first.get("chosen_nll"), first.get("loss"), 1e-5);
    }

    @Test
    void everyVariantTrainsAndSimpoAndOrpoNeedNoReference() throws Exception {
        for (DpoLoss loss : List.of(new DpoLoss(DpoLoss.Variant.HINGE, 0.5, 0, 0), new DpoLoss(DpoLoss.Variant.CONSERVATIVE, 0.5, 0.1, 0),
                new DpoLoss(DpoLoss.Variant.ROBUST, 0.5, 0.1, 0), new DpoLoss(DpoLoss.Variant.IPO, 0.5, 0, 0),
                new DpoLoss(DpoLoss.Variant.SIMPO, 2.0, 0, 0.5), new DpoLoss(DpoLoss.Variant.ORPO, 0.5, 0, 0))) {
            DpoTrainer trainer = new DpoTrainer(new TransformerPolicy(ToyPreferences.model()), TOK, PromptFormat.DEFAULT, config(loss).steps(30).build());
            trainer.train(train, heldOut, List.of());
            assertTrue(trainer.lastPreferenceAccuracy() >= 0.9, loss + ": held-out preference accuracy " + trainer.lastPreferenceAccuracy());
            boolean cached = trainer.checkpoint().metadata().get("referenceLogProbs").size() > 0;
            assertEquals(loss.usesReference(), cached, loss + " caches reference log-probs (SimPO and ORPO keep no reference)");
        }
    }

    @Test
    void resumingFromACheckpointEqualsAnUninterruptedRunAndKeepsTheReference() throws Exception {
        DpoConfig c = config(DpoLoss.dpo()).steps(6).evalEvery(0).build();
        List<TokenizedPair> small = train.subList(0, 30);
        DpoTrainer straight = new DpoTrainer(new TransformerPolicy(ToyPreferences.model()), TOK, PromptFormat.DEFAULT, c);
        straight.train(small, heldOut, List.of());

        DpoTrainer interrupted = new DpoTrainer(new TransformerPolicy(ToyPreferences.model()), TOK, PromptFormat.DEFAULT, c).checkpointEvery(dir, 3);
        interrupted.train(small, heldOut, List.of());
        Checkpoint mid = CheckpointStore.load(dir.resolve("dpo-step-000003.ckpt"));
        // A different start policy: the resumed run must take its reference from the checkpoint, not from its start.
        TransformerPolicy other = new TransformerPolicy(ToyPreferences.model().toBuilder().seed(99).build());
        DpoTrainer resumed = new DpoTrainer(other, TOK, PromptFormat.DEFAULT, c);
        resumed.resume(mid);
        List<StepMetrics> steps = record(resumed);
        resumed.train(small, heldOut, List.of());
        assertEquals(3, steps.size());
        double[][] a = straight.sequenceLogProbs(small.subList(0, 4));
        double[][] b = resumed.sequenceLogProbs(small.subList(0, 4));
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(a[i], b[i], 1e-4);
        }
        // Other pairs than the run's are refused on resume, before the missing reference log-probs could matter.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            DpoTrainer r = new DpoTrainer(other, TOK, PromptFormat.DEFAULT, c);
            r.resume(mid);
            r.train(ToyPreferences.tokenized(5, 77), heldOut, List.of());
        });
        assertTrue(e.getMessage().contains("was trained on other data") && e.getMessage().contains("training items were 30, now 5"), e.getMessage());
        // A checkpoint written before the data fingerprint: the missing reference log-probs still stop it.
        ((com.fasterxml.jackson.databind.node.ObjectNode) mid.metadata()).remove(io.dl4jrl.checkpoint.SameData.KEY);
        IllegalStateException old = assertThrows(IllegalStateException.class, () -> {
            DpoTrainer r = new DpoTrainer(other, TOK, PromptFormat.DEFAULT, c);
            r.resume(mid);
            r.train(ToyPreferences.tokenized(5, 77), heldOut, List.of());
        });
        assertTrue(old.getMessage().contains("no cached reference log-probs"), old.getMessage());
    }
}
