package io.dl4jrl.spark;

import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.sampling.Sampler;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.StepMetrics;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Rollouts sampled on Spark local[2] against in-process sampling: token for token, through retries, and in a GRPO run. */
class SparkSamplingEngineTest {
    static JavaSparkContext spark;
    final CharTokenizer tok = new CharTokenizer();

    @BeforeAll
    static void start() {
        spark = SparkEngines.context("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    TransformerPolicy policy(long seed) {
        return new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(48).dModel(16).nLayers(1)
                .nHeads(2).mlpRatio(2).initStd(0.2).seed(seed).build());
    }

    static List<Problem> problems() {
        List<Problem> out = new ArrayList<>();
        for (int n = 100; n < 140; n++) {
            out.add(new Problem("p" + n, "n=" + n, "#### " + n, Integer.toString(n), 1));
        }
        return out;
    }

    List<int[]> prompts(int n) {
        List<int[]> p = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            p.add(tok.encode("Q: " + (i * 7 % 23) + "+" + i + "=?" + "x".repeat(i % 5) + "\nA:"));
        }
        return p;
    }

    static void assertSameBatch(SampleBatch expected, SampleBatch actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.responses()[i], actual.responses()[i], "tokens of row " + i);
            assertArrayEquals(expected.logProbs()[i], actual.logProbs()[i], "log-probs of row " + i);
            assertEquals(expected.finished()[i], actual.finished()[i], "row " + i + " finished");
        }
    }

    @Test
    void distributedRolloutsAreTokenForTokenTheInProcessOnes() {
        TransformerPolicy policy = policy(3);
        SamplingConfig config = SamplingConfig.builder().maxNewTokens(12).temperature(1.0).maxBatchSize(6).build();
        List<int[]> prompts = prompts(22); // 4 chunks: 6, 6, 6, 4
        SampleBatch local = new Sampler(tok).sample(policy, prompts, config, 42);
        try (SparkSamplingEngine engine = new SparkSamplingEngine(spark, TokenizerSource.builtIn(), false)) {
            long builds = ExecutorPolicies.builds();
            assertSameBatch(local, engine.sample(policy, 0, prompts, config, 42));
            assertSameBatch(local, engine.sample(policy, 0, prompts, config, 42));
            assertEquals(1.0, engine.metrics().get("spark_broadcasts"), "one broadcast per version");
            assertEquals(8.0, engine.metrics().get("spark_tasks"));
            assertTrue(ExecutorPolicies.builds() - builds <= 2, "the policy is rebuilt once per executor thread, not per task");
            // Other weights under a new version are shipped again and sampled with.
            TransformerPolicy other = policy(4);
            assertSameBatch(new Sampler(tok).sample(other, prompts, config, 42), engine.sample(other, 1, prompts, config, 42));
            assertEquals(2.0, engine.metrics().get("spark_broadcasts"));
        }
    }

    @Test
    void aTaskThatFailsAfterSamplingIsRetriedWithIdenticalResults() {
        TransformerPolicy policy = policy(3);
        SamplingConfig config = SamplingConfig.builder().maxNewTokens(12).temperature(1.0).maxBatchSize(5).build();
        List<int[]> prompts = prompts(15);
        SampleBatch local = new Sampler(tok).sample(policy, prompts, config, 7);
        try (SparkSamplingEngine engine = new SparkSamplingEngine(spark, TokenizerSource.builtIn(), false)) {
            assertSameBatch(local, engine.failFirstAttemptOfChunk(1).sample(policy, 0, prompts, config, 7));
        }
    }

    @Test
    void aGrpoRunOnSparkHasTheInProcessRunsMetrics() {
        RlConfig config = RlConfig.grpo().iterations(3).promptsPerIteration(16).groupSize(8).maxNewTokens(10).learningRate(1e-3)
                .evalEvery(0).evalProblems(4).seed(11).build(); // 128 rollouts an iteration: 2 tasks
        List<StepMetrics> local = run(config, null);
        try (SparkSamplingEngine engine = new SparkSamplingEngine(spark, TokenizerSource.builtIn(), false)) {
            List<StepMetrics> distributed = run(config, engine);
            for (int i = 0; i < local.size(); i++) {
                for (String k : List.of("reward_mean", "rl_loss", "entropy", "response_length", "grad_norm", "kl")) {
                    assertEquals(local.get(i).get(k), distributed.get(i).get(k), 0.0, k + " at iteration " + (i + 1));
                }
            }
            assertEquals(3.0, engine.metrics().get("spark_broadcasts"), "the weights of each iteration, once");
        }
    }

    @Test
    void vinePposMonteCarloCompletionsRunOnTheExecutorsToo() {
        RlConfig config = RlConfig.vineppo().iterations(1).promptsPerIteration(4).groupSize(2).maxNewTokens(10).evalEvery(0)
                .evalProblems(4).seed(5).build();
        List<StepMetrics> local = run(config, null);
        try (SparkSamplingEngine engine = new SparkSamplingEngine(spark, TokenizerSource.builtIn(), false)) {
            List<StepMetrics> distributed = run(config, engine);
            for (String k : List.of("reward_mean", "rl_loss", "vine_completions", "advantage_mean")) {
                if (local.get(0).values().containsKey(k)) {
                    assertEquals(local.get(0).get(k), distributed.get(0).get(k), 0.0, k);
                }
            }
            assertTrue(engine.metrics().get("spark_tasks") >= 2, "rollouts and vine completions: " + engine.metrics());
        }
    }

    @Test
    void dataParallelGradientsOnSparkGiveTheInProcessUpdates() {
        // Mini-batches of 32 in micro-batches of 8: each optimizer step sums 4 passes, spread over 2 executors.
        for (String algo : List.of("grpo", "ppo")) {
            RlConfig config = RlConfig.preset(algo).iterations(2).promptsPerIteration(8).groupSize(4).miniBatchSize(32).microBatchSize(8)
                    .maxNewTokens(10).learningRate(1e-3).evalEvery(0).evalProblems(4).seed(13).build();
            RlTrainer local = trainer(config, null, null);
            SparkGradientPasses passes = new SparkGradientPasses(spark);
            RlTrainer distributed = trainer(config, null, passes);
            for (int i = 0; i < config.iterations(); i++) {
                StepMetrics a = local.iterate(problems());
                StepMetrics b = distributed.iterate(problems());
                for (String k : List.of("rl_loss", "grad_norm", "reward_mean", "kl", "entropy")) {
                    if (a.values().containsKey(k)) {
                        assertEquals(a.get(k), b.get(k), 1e-6 * Math.max(1, Math.abs(a.get(k))), algo + " " + k + " at iteration " + (i + 1));
                    }
                }
            }
            var sa = local.policy().graph().sameDiff();
            var sb = distributed.policy().graph().sameDiff();
            for (var v : sa.variables()) {
                if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                    double diff = v.getArr().sub(sb.getArrForVarName(v.name())).amaxNumber().doubleValue();
                    assertTrue(diff <= 1e-6, algo + ": weight " + v.name() + " differs by " + diff);
                }
            }
            assertTrue(passes.metrics().get("spark_gradient_passes") >= 2 * 4, algo + ": 4 micro-batches a step: " + passes.metrics());
        }
    }

    private RlTrainer trainer(RlConfig config, SparkSamplingEngine engine, SparkGradientPasses passes) {
        RlTrainer trainer = new RlTrainer(policy(3), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        if (engine != null) {
            trainer.samplingEngine(engine);
        }
        if (passes != null) {
            trainer.distributeGradients(passes);
        }
        return trainer;
    }

    private List<StepMetrics> run(RlConfig config, SparkSamplingEngine engine) {
        RlTrainer trainer = trainer(config, engine, null);
        List<StepMetrics> out = new ArrayList<>();
        for (int i = 0; i < config.iterations(); i++) {
            out.add(trainer.iterate(problems()));
        }
        return out;
    }
}
