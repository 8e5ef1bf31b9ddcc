package io.dl4jrl.hyperparam;

import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlConfigJson;
import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.CopyTask;
import io.dl4jrl.train.SftConfig;
import io.dl4jrl.train.SftTrainer;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny end-to-end sweep: the copy task's deliberately under-trained policy (as in RlLearningTest), GRPO with two
 * clearly different learning rates searched on a grid by Arbiter, two candidates trained at once.
 */
class RlSweepTest {
    static final CharTokenizer tok = new CharTokenizer();
    static final TaskData data = new TaskData("copy", CopyTask.problems(false), CopyTask.problems(true));
    static TransformerPolicy start;

    @TempDir
    Path dir;

    @BeforeAll
    static void underTrainedSft() throws IOException {
        start = new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(24).dModel(32)
                .nLayers(2).nHeads(2).mlpRatio(2).seed(1).build());
        SftConfig sft = SftConfig.builder().steps(250).batchSize(16).learningRate(1e-2).warmupSteps(5).seed(3)
                .evalEvery(0).evalProblems(data.testData(null).size()).maxNewTokens(8).build();
        new SftTrainer(start, tok, PromptFormat.DEFAULT, sft).train(data.trainData(null), data.testData(null));
    }

    static RlConfig base(int iterations) {
        return RlConfig.grpo().learningRate(3e-4).promptsPerIteration(8).maxNewTokens(8).iterations(iterations)
                .evalEvery(0).evalProblems(data.testData(null).size()).build();
    }

    @Test
    void aGridSweepFindsTheBetterOfTwoLearningRates() throws IOException {
        RlConfigSpace space = RlConfigSpace.builder(base(30)).learningRate(new DiscreteParameterSpace<>(1e-7, 3e-4)).build();
        SweepConfig cfg = SweepConfig.builder().search(SweepConfig.Search.GRID).maxCandidates(0).threads(2).build();
        RlTaskCreator tasks = new RlTaskCreator(start, tok, PromptFormat.DEFAULT, CorrectnessReward::new, dir);
        SweepReport report = new RlSweep(space, cfg, MetricScoreFunction.heldOutAccuracy()).run(tasks, data, System.out);

        assertEquals(2, report.rows().size());
        assertEquals(2, report.completed());
        SweepReport.Row best = report.best().orElseThrow();
        assertEquals(3e-4, best.candidate().config().optimization().learningRate());
        SweepReport.Row tiny = report.rows().stream().filter(r -> r != best).findFirst().orElseThrow();
        assertTrue(best.score() >= tiny.score() + 0.10, "3e-4 should beat 1e-7 by 10 points: " + best.score() + " vs " + tiny.score());

        // Each candidate's score is exactly what the same configuration gives when trained alone: the two
        // concurrent tasks shared nothing mutable.
        for (SweepReport.Row r : report.rows()) {
            double alone = new RlTrainer(start, tok, PromptFormat.DEFAULT, new CorrectnessReward(), r.candidate().config())
                    .train(data.trainData(null), data.testData(null)).accuracy();
            assertEquals(alone, r.score(), 1e-12, "candidate " + r.index());
        }

        // Files: table, best config that train --config reads back, per-candidate folders, plot
        report.writeCsv(dir.resolve("sweep.csv"));
        List<String> csv = Files.readAllLines(dir.resolve("sweep.csv"));
        assertEquals("candidate,learningRate,score,status,seconds,error", csv.get(0));
        assertEquals(3, csv.size());
        assertTrue(csv.get(1).startsWith("0,1e-07,") && csv.get(1).contains(",complete,"), csv.get(1));
        Path bestFile = report.writeBestConfig(dir.resolve("best-config.json")).orElseThrow();
        assertEquals(best.candidate().config(), RlConfigJson.read(bestFile));
        assertEquals(best.candidate().config(), RlConfigJson.read(dir.resolve("candidate-00" + best.index()).resolve("config.json")));
        assertTrue(Files.size(dir.resolve("candidate-000").resolve("metrics.csv")) > 0);
        SweepPlot.write(report, dir.resolve("sweep.png"), "test");
        assertTrue(Files.size(dir.resolve("sweep.png")) > 1000);
    }

    @Test
    void anInvalidCandidateFailsWithItsReasonAndTheSweepStillEnds() {
        RlConfigSpace space = RlConfigSpace.builder(base(2))
                .algorithm(new DiscreteParameterSpace<>("vineppo", "grpo"))
                .replayFraction(new DiscreteParameterSpace<>(0.25))
                .build();
        SweepConfig cfg = SweepConfig.builder().search(SweepConfig.Search.GRID).maxCandidates(0).build();
        RlTaskCreator tasks = new RlTaskCreator(start, tok, PromptFormat.DEFAULT, CorrectnessReward::new, null);
        SweepReport report = new RlSweep(space, cfg, MetricScoreFunction.heldOutAccuracy()).run(tasks, data, null);

        assertEquals(2, report.rows().size());
        SweepReport.Row failed = report.rows().get(0);
        assertEquals(CandidateStatus.Failed, failed.status());
        assertTrue(failed.error().contains("replay runs on rollout-only estimators"), failed.error());
        assertEquals("vineppo", failed.candidate().hyperparameters().get(RlHyperparameter.ALGORITHM));
        assertEquals(CandidateStatus.Complete, report.rows().get(1).status());
        assertEquals(1, report.best().orElseThrow().index());
    }

    @Test
    void aMissingScoreMetricFailsTheCandidateNamingTheMetricsThereAre() {
        RlConfigSpace space = RlConfigSpace.builder(base(1)).learningRate(new DiscreteParameterSpace<>(3e-4)).build();
        SweepConfig cfg = SweepConfig.builder().search(SweepConfig.Search.RANDOM).maxCandidates(1).build();
        RlTaskCreator tasks = new RlTaskCreator(start, tok, PromptFormat.DEFAULT, CorrectnessReward::new, null);
        SweepReport report = new RlSweep(space, cfg, new MetricScoreFunction("reward_meen", MetricScoreFunction.Aggregate.MEAN, false))
                .run(tasks, data, null);
        SweepReport.Row r = report.rows().get(0);
        assertEquals(CandidateStatus.Failed, r.status());
        assertTrue(r.error().contains("no metric 'reward_meen'") && r.error().contains("grpo/reward_mean"), r.error());
        assertTrue(report.best().isEmpty());
    }

    @Test
    void aRandomSweepRunsExactlyItsCountEvenWithSeveralThreads() throws IOException {
        RlConfigSpace space = RlConfigSpace.builder(base(1))
                .learningRate(new ContinuousParameterSpace(new LogUniformDistribution(1e-5, 1e-3))).build();
        SweepConfig cfg = SweepConfig.builder().search(SweepConfig.Search.RANDOM).maxCandidates(3).threads(2).seed(5).build();
        RlTaskCreator tasks = new RlTaskCreator(start, tok, PromptFormat.DEFAULT, CorrectnessReward::new, null);
        Path progress = dir.resolve("progress.csv");
        SweepReport report = new RlSweep(space, cfg, MetricScoreFunction.heldOutAccuracy()).run(tasks, data, null, progress);
        assertEquals(3, report.rows().size());
        assertEquals(3, report.completed());
        // the table was kept up to date while the sweep ran
        assertEquals(4, Files.readAllLines(progress).size());
        assertTrue(Files.readAllLines(progress).stream().skip(1).allMatch(l -> l.contains(",complete,")));
    }
}
