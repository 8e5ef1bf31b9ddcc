package io.dl4jrl.rl;

import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.graphs.rl.LossAggregation;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.StepMetrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** DAPO's pieces, GSPO, CISPO and the off-policy correction in the RL loop (docs/algorithms.md); their losses are PeerLossesTest. */
class PeerAlgorithmsTest {
    final CharTokenizer tok = new CharTokenizer();
    final List<Problem> problems = RlTrainerTest.problems();

    TransformerPolicy policy() {
        return new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(32).dModel(16).nLayers(1)
                .nHeads(2).mlpRatio(2).initStd(0.2).seed(5).build());
    }

    RlConfig.Builder small(String algo) {
        return RlConfig.preset(algo).iterations(2).promptsPerIteration(4).groupSize(4).miniBatchSize(8).maxNewTokens(10)
                .evalEvery(0).evalProblems(8);
    }

    /** 1 when the response's characters sum to an odd code: random responses of one prompt mostly differ, so most groups are mixed. */
    static final RewardFunction ODD_SUM = new RewardFunction() {
        @Override
        public String name() {
            return "odd_sum";
        }

        @Override
        public double score(Problem problem, String response) {
            return response.chars().sum() % 2;
        }
    };

    @Test
    void presetsCarryThePapersSettings() {
        RlConfig dapo = RlConfig.dapo().build();
        assertEquals(0.2, dapo.loss().clipEpsilon());
        assertEquals(0.28, dapo.loss().clipEpsilonHighOrLow());
        assertEquals(LossAggregation.TOKEN_MEAN, dapo.loss().aggregation());
        assertTrue(dapo.sampling().dynamicSampling());
        assertTrue(dapo.loss().maskTruncated());
        assertTrue(dapo.overlong().enabled());
        assertFalse(dapo.loss().usesKl());
        RlConfig gspo = RlConfig.gspo().build();
        assertEquals("gspo", gspo.loss().policyLoss());
        assertEquals(3e-4, gspo.loss().clipEpsilon());
        assertEquals(4e-4, gspo.loss().clipEpsilonHighOrLow());
        assertEquals(LossAggregation.SEQ_MEAN_TOKEN_MEAN, gspo.loss().aggregation());
        RlConfig cispo = RlConfig.cispo().build();
        assertEquals("cispo", cispo.loss().policyLoss());
        assertEquals(LossAggregation.TOKEN_MEAN, cispo.loss().aggregation());
        assertFalse(gspo.loss().usesKl() || cispo.loss().usesKl());
        // A loss defined with one aggregation refuses another, naming both.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RlConfig.gspo().aggregation(LossAggregation.TOKEN_MEAN).build());
        assertTrue(e.getMessage().contains("SEQ_MEAN_TOKEN_MEAN"), e.getMessage());
        // JSON files name the new settings and round-trip them.
        assertEquals(dapo, RlConfigJson.fromJson(RlConfigJson.toJson(dapo), "test"));
        assertEquals(0.3, RlConfigJson.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("algorithm", "dapo").set("overlong", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                        .put("bufferFraction", 0.3)), "test").overlong().bufferFraction());
    }

    @Test
    void dapoGspoAndCispoTrainEndToEnd() {
        for (String algo : List.of("dapo", "gspo", "cispo")) {
            // The random policy's responses all run into the budget; DAPO would mask every one of them out of the loss.
            RlTrainer t = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, ODD_SUM, small(algo).maskTruncated(false).build());
            for (int i = 0; i < 2; i++) {
                StepMetrics m = t.iterate(problems);
                assertTrue(Double.isFinite(m.get("rl_loss")), algo);
                assertTrue(m.get("grad_norm") > 0, algo + " moved the policy");
                assertTrue(m.values().containsKey("clip_fraction"), algo);
                assertFalse(m.values().containsKey("kl"), algo + " has no KL term");
                assertEquals(2.0, m.get("gradient_steps"), algo + ": one epoch of 16 rollouts in mini-batches of 8");
            }
        }
    }

    @Test
    void dynamicSamplingTrainsOnlyGroupsWhoseRewardsDiffer() {
        List<double[]> trainedRewards = new ArrayList<>();
        IterationProbe seen = new IterationProbe() {
            @Override
            public String name() {
                return "seen";
            }

            @Override
            public Map<String, Double> measure(IterationView view) {
                trainedRewards.add(view.rollouts().taskRewards().clone());
                return Map.of();
            }
        };
        RlConfig config = small("grpo").dynamicSampling(true).maxSamplingRounds(8).build();
        RlTrainer t = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, ODD_SUM, config).addProbe(seen);
        StepMetrics m = t.iterate(problems);
        assertEquals(4.0, m.get("groups_kept"), "the batch was refilled to its 4 groups");
        assertTrue(m.get("sampling_rounds") >= 1);
        double[] r = trainedRewards.get(0);
        assertEquals(16, r.length);
        for (int group = 0; group < 4; group++) {
            double min = 1, max = 0;
            for (int j = 0; j < 4; j++) {
                min = Math.min(min, r[group * 4 + j]);
                max = Math.max(max, r[group * 4 + j]);
            }
            assertTrue(max > min, "group " + group + " has rewards that differ");
        }
    }

    @Test
    void dynamicSamplingStopsAtItsCapAndStillTrains() {
        // A random policy never answers right: every group is all-0 under the correctness reward and is dropped.
        RlConfig config = small("grpo").dynamicSampling(true).maxSamplingRounds(3).build();
        StepMetrics m = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config).iterate(problems);
        assertEquals(3.0, m.get("sampling_rounds"));
        assertEquals(0.0, m.get("groups_kept"));
        assertEquals(12.0, m.get("groups_dropped"), "4 + 4 + 4 groups drawn");
        assertTrue(Double.isFinite(m.get("rl_loss")), "the first round trains as drawn (zero advantages: the KL term only)");
    }

    @Test
    void truncatedResponsesCanBeLeftOutOfTheLoss() {
        // A budget of 2 tokens cuts off every response of the random policy (a seeded fact, checked first).
        RlConfig.Builder b = small("grpo").maxNewTokens(2).klCoefficient(0);
        StepMetrics plain = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, ODD_SUM, b.build()).iterate(problems);
        assertEquals(1.0, plain.get("truncated_fraction"));
        assertTrue(plain.get("grad_norm") > 0);
        StepMetrics masked = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, ODD_SUM, b.maskTruncated(true).build()).iterate(problems);
        assertEquals(0.0, masked.get("policy_loss"), 0.0, "no token left in the loss");
        assertEquals(0.0, masked.get("grad_norm"), 0.0);
    }

    @Test
    void lossMaskZeroesTheRowsLeftOut() {
        SampleBatch batch = new SampleBatch(new int[][]{{5, 6}, {5}}, new int[][]{{8, 9}, {4, 3}},
                new float[][]{{-1, -2}, {-3, -4}}, new boolean[]{true, false});
        RolloutTensors t = new RolloutTensors(batch, 0, 0, batch.finished());
        int[] both = {0, 1};
        assertArrayEquals(new float[]{0, 1, 1}, t.lossMask(both).getRow(0).toFloatVector());
        assertArrayEquals(new float[]{0, 0, 0}, t.lossMask(both).getRow(1).toFloatVector());
        assertArrayEquals(new float[]{1, 1, 0}, t.responseMask(both).getRow(1).toFloatVector(), "log-probs are still computed");
        assertTrue(t.trained(0));
        assertFalse(t.trained(1));
    }

    @Test
    void overlongRewardFallsLinearlyOverTheBuffer() {
        OverlongConfig c = new OverlongConfig(0.2, 1.0); // budget 10: buffer 2, free 8
        assertEquals(2, c.bufferLength(10));
        assertEquals(0.0, c.reward(8, false, 10), 0.0);
        assertEquals(-0.5, c.reward(9, false, 10), 1e-12);
        assertEquals(-1.0, c.reward(10, false, 10), 1e-12);
        assertEquals(-1.0, c.reward(10, true, 10), 1e-12, "cut off by the budget");
        assertEquals(-0.25, new OverlongConfig(0.2, 0.5).reward(9, false, 10), 1e-12);
        assertEquals(0.0, OverlongConfig.off().reward(10, true, 10), 0.0);
        assertThrows(IllegalArgumentException.class, () -> new OverlongConfig(1.5, 1));
    }

    @Test
    void overlongShapingJoinsTheOutcomesBeforeTheAdvantages() {
        RlConfig config = small("grpo").maxNewTokens(4).overlong(new OverlongConfig(0.5, 1.0)).build();
        StepMetrics m = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, ODD_SUM, config).iterate(problems);
        assertTrue(m.get("overlong_punished_fraction") > 0, "responses of 3 or 4 tokens under a budget of 4 are punished");
        assertTrue(m.get("overlong_reward_mean") < 0);
        assertTrue(m.get("reward_mean") >= 0, "the task reward (0/1) is reported unshaped");
    }

    @Test
    void offPolicyWeightsHandComputed() {
        double l2 = Math.log(2);
        float[][] trainer = {{(float) Math.log(0.5), (float) Math.log(0.9)}, {0f}};
        float[][] sampler = {{(float) Math.log(0.25), (float) Math.log(0.9)}, {(float) Math.log(0.5)}};
        // token ratios: 2, 1 | 2; sequence ratios: 2 | 2. C = 1.5.
        assertNull(OffPolicyCorrection.NONE.weights(trainer, sampler, 1.5));
        assertArrayEquals(new float[]{1.5f, 1f}, OffPolicyCorrection.TIS_TOKEN.weights(trainer, sampler, 1.5)[0], 1e-6f);
        assertArrayEquals(new float[]{0f, 1f}, OffPolicyCorrection.MIS_TOKEN.weights(trainer, sampler, 1.5)[0], 1e-6f);
        assertArrayEquals(new float[]{1.5f, 1.5f}, OffPolicyCorrection.TIS_SEQUENCE.weights(trainer, sampler, 1.5)[0], 1e-6f);
        assertArrayEquals(new float[]{0f}, OffPolicyCorrection.MIS_SEQUENCE.weights(trainer, sampler, 1.5)[1], 1e-6f);
        assertArrayEquals(new float[]{2f, 2f}, OffPolicyCorrection.TIS_SEQUENCE.weights(trainer, sampler, 3.0)[0], 1e-5f);
        Map<String, Double> m = OffPolicyCorrection.TIS_TOKEN.metrics(trainer, sampler,
                OffPolicyCorrection.TIS_TOKEN.weights(trainer, sampler, 1.5), 1.5);
        assertEquals(2 * (2 - 1 - l2) / 3, m.get(OffPolicyCorrection.MISMATCH_KL), 1e-6, "k3 with r = 2 at two tokens of three");
        assertEquals(l2, m.get(OffPolicyCorrection.MISMATCH_MAX), 1e-6);
        assertEquals((1.5 + 1 + 1.5) / 3, m.get(OffPolicyCorrection.WEIGHT_MEAN), 1e-6);
        assertEquals(2.0 / 3, m.get(OffPolicyCorrection.CORRECTED_FRACTION), 1e-6);
        assertEquals(OffPolicyCorrection.MIS_SEQUENCE, OffPolicyCorrection.parse("mis-sequence"));
        assertThrows(IllegalArgumentException.class, () -> OffPolicyCorrection.parse("tis"));
    }

    @Test
    void offPolicyCorrectionOfAnExactSamplerChangesNothing() {
        // The KV-cache sampler and the training graph agree to float rounding, so the weights are 1 and the update is the plain one.
        StepMetrics plain = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, ODD_SUM, small("grpo").build()).iterate(problems);
        for (OffPolicyCorrection c : List.of(OffPolicyCorrection.TIS_TOKEN, OffPolicyCorrection.MIS_SEQUENCE)) {
            StepMetrics corrected = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, ODD_SUM,
                    small("grpo").offPolicyCorrection(c).build()).iterate(problems);
            assertTrue(corrected.get(OffPolicyCorrection.MISMATCH_KL) < 1e-6, c + ": " + corrected.get(OffPolicyCorrection.MISMATCH_KL));
            assertEquals(1.0, corrected.get(OffPolicyCorrection.WEIGHT_MEAN), 1e-3, c.name());
            assertEquals(0.0, corrected.get(OffPolicyCorrection.CORRECTED_FRACTION), 0.0, c.name());
            assertEquals(plain.get("grad_norm"), corrected.get("grad_norm"), 1e-3 * plain.get("grad_norm"), c.name());
            assertEquals(plain.get("rl_loss"), corrected.get("rl_loss"), 1e-4, c.name());
        }
        assertTrue(plain.values().containsKey(OffPolicyCorrection.MISMATCH_KL), "the mismatch is reported without a correction too");
    }

    @Test
    void clipCovAndKlCovSelectTokensInTheLoop() {
        StepMetrics plain = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, ODD_SUM, small("grpo").build()).iterate(problems);
        assertFalse(plain.values().containsKey(io.dl4jrl.graphs.rl.CovarianceControl.SELECTED_FRACTION));
        for (var mode : List.of(io.dl4jrl.graphs.rl.CovarianceControl.Mode.CLIP_COV, io.dl4jrl.graphs.rl.CovarianceControl.Mode.KL_COV)) {
            var cov = new io.dl4jrl.graphs.rl.CovarianceControl(mode, 0.05, -10, 10, 1.0);
            StepMetrics m = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, ODD_SUM, small("grpo").covariance(cov).build()).iterate(problems);
            double fraction = m.get(io.dl4jrl.graphs.rl.CovarianceControl.SELECTED_FRACTION);
            assertTrue(fraction > 0.02 && fraction <= 0.05 + 1e-9, mode + ": " + fraction);
            assertTrue(Double.isFinite(m.get("rl_loss")), mode.name());
            assertNotEquals(plain.get("grad_norm"), m.get("grad_norm"), mode + " changes the update");
        }
    }

    @Test
    void theGradientVarianceProbeRunsUnderACovarianceControl() {
        // The probe takes gradients outside the update; the selected-token placeholder must be fed there too.
        var cov = new io.dl4jrl.graphs.rl.CovarianceControl(io.dl4jrl.graphs.rl.CovarianceControl.Mode.CLIP_COV, 0.05, -10, 10, 0.1);
        StepMetrics m = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, ODD_SUM, small("grpo").gradientVarianceEvery(1).covariance(cov).build())
                .iterate(problems);
        assertTrue(m.values().keySet().stream().anyMatch(k -> k.equals("gradient_variance_opo")), m.values().keySet().toString());
    }
}
