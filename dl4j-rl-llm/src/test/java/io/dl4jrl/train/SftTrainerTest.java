package io.dl4jrl.train;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.GptNames;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SftTrainerTest {
    final CharTokenizer tok = new CharTokenizer();
    final List<Problem> train = CopyTask.problems(false);
    final List<Problem> test = CopyTask.problems(true);

    @TempDir
    Path dir;

    TransformerPolicy policy(long seed) {
        return new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(24).dModel(32)
                .nLayers(2).nHeads(2).mlpRatio(2).seed(seed).build());
    }

    SftConfig config(int steps) {
        return SftConfig.builder().steps(steps).batchSize(16).learningRate(1e-2).warmupSteps(Math.min(5, steps - 1)).seed(3)
                .evalEvery(0).evalProblems(60).maxNewTokens(8).build();
    }

    @Test
    void sftLowersLossAndRaisesHeldOutAccuracy() throws IOException {
        TransformerPolicy policy = policy(1);
        Evaluator evaluator = new Evaluator(tok, PromptFormat.DEFAULT);
        double before = evaluator.evaluate(policy, test, 8).accuracy();
        List<Double> losses = new ArrayList<>();
        SftTrainer trainer = new SftTrainer(policy, tok, PromptFormat.DEFAULT, config(300))
                .addListener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        losses.add(m.get("loss"));
                    }
                });
        EvalResult after = trainer.train(train, test);
        assertEquals(300, losses.size());
        double first = losses.subList(0, 10).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(290, 300).stream().mapToDouble(d -> d).average().orElseThrow();
        assertTrue(last < first / 4, "loss " + first + " -> " + last);
        assertEquals(0.0, before, "an untrained model cannot copy numbers");
        // Copying three held-out digits by position is learnt late (about 40% at step 300 when calibrated).
        assertTrue(after.accuracy() >= 0.25, "held-out accuracy after SFT: " + after.accuracy());
    }

    @Test
    void resumingGivesTheSameWeightsAsNotStopping() throws IOException {
        TransformerPolicy straight = policy(2);
        new SftTrainer(straight, tok, PromptFormat.DEFAULT, config(8)).train(train, test);

        TransformerPolicy first = policy(2);
        SftTrainer a = new SftTrainer(first, tok, PromptFormat.DEFAULT, config(8).toBuilder().build());
        // Stop after 4 of the 8 steps: train a copy of the config limited to 4 steps? No: the schedule must be
        // the 8-step one, so interrupt through a listener that checkpoints at step 4 and then throws.
        Path ckpt = dir.resolve("step4.ckpt");
        a.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() == 4) {
                    try {
                        CheckpointStore.save(ckpt, a.checkpoint());
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                    throw new IllegalStateException("simulated crash");
                }
            }
        });
        assertThrows(IllegalStateException.class, () -> a.train(train, test));

        // Other data than the run started on is refused before anything trains, naming the split that differs.
        SftTrainer fewer = new SftTrainer(policy(99), tok, PromptFormat.DEFAULT, config(8));
        fewer.resume(CheckpointStore.load(ckpt));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fewer.train(train.subList(0, train.size() - 1), test));
        assertTrue(e.getMessage().contains("checkpoint 'sft' at step 4 was trained on other data")
                && e.getMessage().contains("training items were " + train.size() + ", now " + (train.size() - 1))
                && e.getMessage().contains("--train-size"), e.getMessage());
        assertEquals(4, fewer.step(), "nothing trained");
        List<Problem> otherHeldOut = new ArrayList<>(test);
        Problem p = otherHeldOut.get(0);
        otherHeldOut.set(0, new Problem(p.id(), p.question(), p.solution(), p.answer() + "1", p.level()));
        SftTrainer edited = new SftTrainer(policy(99), tok, PromptFormat.DEFAULT, config(8));
        edited.resume(CheckpointStore.load(ckpt));
        e = assertThrows(IllegalArgumentException.class, () -> edited.train(train, otherHeldOut));
        assertTrue(e.getMessage().contains("held-out items were the same count (" + test.size() + ") with other content"), e.getMessage());

        TransformerPolicy resumed = policy(99); // different init: everything must come from the checkpoint
        SftTrainer b = new SftTrainer(resumed, tok, PromptFormat.DEFAULT, config(8));
        b.resume(CheckpointStore.load(ckpt));
        assertEquals(4, b.step());
        b.train(train, test);
        for (String name : List.of(GptNames.WTE, GptNames.attnW(1), GptNames.mlpProjB(0), GptNames.LN_F_GAIN)) {
            INDArray expected = straight.graph().sameDiff().getArrForVarName(name);
            INDArray actual = resumed.graph().sameDiff().getArrForVarName(name);
            assertTrue(expected.equalsWithEps(actual, 1e-6), name + " differs after resume");
        }
    }

    @Test
    void nonFiniteLossStopsTrainingBeforeAnyUpdateOrCheckpoint() {
        TransformerPolicy policy = policy(3);
        INDArray w = policy.graph().sameDiff().getArrForVarName(GptNames.mlpFcW(0));
        w.putScalar(0, 0, Double.NaN);
        INDArray other = policy.graph().sameDiff().getArrForVarName(GptNames.attnW(1)).dup();
        SftTrainer trainer = new SftTrainer(policy, tok, PromptFormat.DEFAULT, config(5)).checkpointEvery(dir, 1);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.train(train, test));
        assertEquals(1, e.step());
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(other, policy.graph().sameDiff().getArrForVarName(GptNames.attnW(1)), "no weight was updated");
        assertEquals(0, dir.toFile().list().length, "no checkpoint was written");
    }

    @Test
    void aShortRunOnALongerScheduleEndsWhereTheLongerRunIsAtThatStep() throws IOException {
        // 7-step schedule stopped after step 4 by a listener, against a 4-step run with scheduleSteps 7.
        TransformerPolicy longer = policy(5);
        new SftTrainer(longer, tok, PromptFormat.DEFAULT, config(7)).addListener(new TrainingListener() {
            long step;

            @Override
            public void onStep(StepMetrics m) {
                step = m.step();
            }

            @Override
            public boolean stopRequested() {
                return step >= 4;
            }
        }).train(train, test);
        TransformerPolicy cut = policy(5);
        new SftTrainer(cut, tok, PromptFormat.DEFAULT, config(4).toBuilder().warmupSteps(5).scheduleSteps(7).build()).train(train, test);
        TransformerPolicy decayed = policy(5);
        new SftTrainer(decayed, tok, PromptFormat.DEFAULT, config(4).toBuilder().warmupSteps(3).build()).train(train, test);
        String w = GptNames.mlpFcW(0);
        assertEquals(longer.graph().sameDiff().getArrForVarName(w), cut.graph().sameDiff().getArrForVarName(w));
        assertNotEquals(longer.graph().sameDiff().getArrForVarName(w), decayed.graph().sameDiff().getArrForVarName(w),
                "a 4-step schedule decays differently");
        assertEquals(0.5 * 1e-2, SftTrainer.learningRateSchedule(config(4).toBuilder().warmupSteps(0).scheduleSteps(8).build()).valueAt(4, 0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> config(4).toBuilder().scheduleSteps(3).build());
    }

    @Test
    void writesCheckpointsAtTheIntervalAndAtTheEnd() throws IOException {
        SftTrainer trainer = new SftTrainer(policy(4), tok, PromptFormat.DEFAULT, config(7)).checkpointEvery(dir, 3);
        trainer.train(train, test);
        assertTrue(Files.exists(dir.resolve("sft-step-000003.ckpt")));
        assertTrue(Files.exists(dir.resolve("sft-step-000006.ckpt")));
        assertTrue(Files.exists(dir.resolve("sft-step-000007.ckpt")));
        Checkpoint latest = CheckpointStore.load(dir.resolve("latest.ckpt"));
        assertEquals(7, latest.step());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left behind");
        }
    }

    @Test
    void earlyStoppingEndsTrainingWithAnEvaluationAndACheckpoint() throws IOException {
        // Stop as soon as the training loss falls below 3.0 (it starts near ln(vocab) = 4.6).
        EarlyStopping stop = new EarlyStopping("loss", EarlyStopping.Mode.MINIMIZE, 0, 0, 3.0);
        List<Long> evaluations = new ArrayList<>();
        SftTrainer trainer = new SftTrainer(policy(6), tok, PromptFormat.DEFAULT, config(200)).checkpointEvery(dir, 1000)
                .addListener(stop).addListener(new TrainingListener() {
                    @Override
                    public void onEvaluation(long step, EvalResult r) {
                        evaluations.add(step);
                    }
                });
        trainer.train(train, test);
        assertTrue(trainer.step() < 200, "stopped early, at step " + trainer.step());
        assertEquals(stop.bestStep(), trainer.step());
        assertTrue(stop.best() <= 3.0);
        assertEquals(List.of(0L, trainer.step()), evaluations, "the start's evaluation and one final evaluation, at the stopping step");
        assertEquals(trainer.step(), CheckpointStore.load(dir.resolve("latest.ckpt")).step());
    }

    @Test
    void batchesAreAPureFunctionOfSeedAndStep() {
        SftTrainer t1 = new SftTrainer(policy(5), tok, PromptFormat.DEFAULT, config(10));
        SftTrainer t2 = new SftTrainer(policy(5), tok, PromptFormat.DEFAULT, config(10));
        assertEquals(t1.batch(train, 7), t2.batch(train, 7));
        assertNotEquals(t1.batch(train, 7), t1.batch(train, 8));
        // One epoch (720 problems) covers every problem exactly once.
        List<Problem> epoch = new ArrayList<>();
        SftTrainer t3 = new SftTrainer(policy(5), tok, PromptFormat.DEFAULT, config(10).toBuilder().batchSize(16).build());
        for (int s = 0; s < 45; s++) {
            epoch.addAll(t3.batch(train, s));
        }
        assertEquals(train.size(), epoch.stream().distinct().count());
    }
}
