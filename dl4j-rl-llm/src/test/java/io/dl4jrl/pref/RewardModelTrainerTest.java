package io.dl4jrl.pref;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.dl4jrl.pref.ToyPreferences.TOK;
import static org.junit.jupiter.api.Assertions.*;

/** The Bradley-Terry reward model learns a toy preference, normalises its rewards, resumes exactly and scores in batches. */
class RewardModelTrainerTest {
    @TempDir
    Path dir;

    RewardModelConfig.Builder config() {
        return RewardModelConfig.builder().steps(80).pairsPerBatch(8).learningRate(3e-3).warmupSteps(5).evalEvery(40);
    }

    @Test
    void separatesAToyPreferenceSetOnHeldOutPairs() throws Exception {
        List<TokenizedPair> train = ToyPreferences.tokenized(200, 1);
        List<TokenizedPair> heldOut = ToyPreferences.tokenized(100, 2);
        RewardModel rm = new RewardModel(ToyPreferences.model(), TOK.padId());
        double before = rm.evaluate(heldOut).accuracy();
        RewardModelTrainer trainer = new RewardModelTrainer(rm, config().build());
        List<Double> heldOutAccuracies = new ArrayList<>();
        trainer.addListener(new io.dl4jrl.train.TrainingListener() {
            @Override
            public void onStep(io.dl4jrl.train.StepMetrics m) {
                if (m.values().containsKey(RewardModelTrainer.HELD_OUT_ACCURACY)) {
                    heldOutAccuracies.add(m.values().get(RewardModelTrainer.HELD_OUT_ACCURACY));
                }
            }
        });
        RewardModel.PairwiseEvaluation after = trainer.train(train, heldOut);
        assertTrue(after.accuracy() >= 0.95, "held-out pairwise accuracy " + after.accuracy() + " (before " + before + ")");
        assertTrue(after.meanGap() > 1, "a clear reward gap: " + after.meanGap());
        assertEquals(List.of(heldOutAccuracies.get(0), after.accuracy()), heldOutAccuracies, "evaluated at steps 40 and 80");
        // The normalisation is the held-out rewards' own mean and std: normalised, they have mean 0 and std 1.
        List<int[]> seqs = new ArrayList<>();
        heldOut.forEach(p -> seqs.add(p.chosenSequence()));
        heldOut.forEach(p -> seqs.add(p.rejectedSequence()));
        double[] z = rm.normalized(seqs);
        double mean = java.util.Arrays.stream(z).average().orElseThrow();
        double var = java.util.Arrays.stream(z).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
        assertEquals(0, mean, 1e-4);
        assertEquals(1, var, 1e-3);
    }

    @Test
    void resumingFromACheckpointEqualsAnUninterruptedRun() throws Exception {
        List<TokenizedPair> train = ToyPreferences.tokenized(50, 3);
        List<TokenizedPair> heldOut = ToyPreferences.tokenized(10, 4);
        RewardModelConfig c = config().steps(6).evalEvery(0).warmupSteps(1).build();
        RewardModel straight = new RewardModel(ToyPreferences.model(), TOK.padId());
        new RewardModelTrainer(straight, c).train(train, heldOut);

        RewardModel first = new RewardModel(ToyPreferences.model(), TOK.padId());
        RewardModelTrainer t1 = new RewardModelTrainer(first, c).checkpointEvery(dir, 3);
        t1.train(train, heldOut);
        Checkpoint mid = CheckpointStore.load(dir.resolve("reward-model-step-000003.ckpt"));
        assertEquals(RewardModel.KIND, mid.kind());
        RewardModel resumedModel = new RewardModel(ToyPreferences.model(), TOK.padId());
        RewardModelTrainer resumed = new RewardModelTrainer(resumedModel, c);
        resumed.resume(mid);
        resumed.train(train, heldOut);
        List<int[]> probe = List.of(train.get(0).chosenSequence(), train.get(1).rejectedSequence());
        assertArrayEquals(straight.score(probe), resumedModel.score(probe), 1e-6);
        // The final checkpoint loads as a scoring model with the same normalisation.
        RewardModel loaded = RewardModel.load(CheckpointStore.load(dir.resolve("latest.ckpt")), TOK.padId());
        assertEquals(first.mean(), loaded.mean(), 1e-12);
        assertArrayEquals(first.normalized(probe), loaded.normalized(probe), 1e-6);
    }

    @Test
    void startsFromAPolicyCheckpointsTrunkAndRejectsOtherKinds() {
        TransformerPolicy policy = new TransformerPolicy(ToyPreferences.model());
        Checkpoint c = CheckpointStore.capture(policy, "sft", 0, null, null);
        RewardModel rm = RewardModel.fromPolicy(c, TOK.padId());
        int copied = 0;
        for (var v : policy.graph().sameDiff().variables()) {
            if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                assertEquals(v.getArr(), rm.graph().sameDiff().getArrForVarName(v.name()), v.name());
                copied++;
            }
        }
        assertTrue(copied > 5, "every trunk weight copied: " + copied);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RewardModel.load(c, TOK.padId()));
        assertTrue(e.getMessage().contains("expected a 'reward-model' checkpoint, got 'sft'"), e.getMessage());
    }

    @Test
    void learnedRewardScoresABatchAsItScoresEachRow() {
        RewardModel rm = new RewardModel(ToyPreferences.model(), TOK.padId());
        rm.setNormalization(0.5, 2.0);
        LearnedReward reward = new LearnedReward(rm, TOK, PromptFormat.DEFAULT, 0);
        List<Problem> problems = List.of(new Problem("a", "ab", "x", "1", 1), new Problem("b", "abcdef", "x", "1", 1));
        List<String> responses = List.of("long response here", "s");
        double[] batch = reward.scoreAll(problems, responses);
        for (int i = 0; i < 2; i++) {
            assertEquals(reward.score(problems.get(i), responses.get(i)), batch[i], 1e-5, "row " + i + " is independent of padding");
            int[] seq = io.dl4jrl.text.TokenIds.concat(io.dl4jrl.text.TokenIds.concat(TOK.encode(PromptFormat.DEFAULT.prompt(problems.get(i))),
                    TOK.encode(responses.get(i))), new int[]{TOK.eosId()});
            assertEquals((rm.score(List.of(seq))[0] - 0.5) / 2.0, batch[i], 1e-5);
        }
        double[] clipped = new LearnedReward(rm, TOK, PromptFormat.DEFAULT, 1e-3).scoreAll(problems, responses);
        for (double v : clipped) {
            assertTrue(Math.abs(v) <= 1e-3);
        }
    }
}
