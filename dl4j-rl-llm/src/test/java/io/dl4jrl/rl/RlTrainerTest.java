package io.dl4jrl.rl;

import io.dl4jrl.graphs.TokenLogProbs;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.sampling.Sampler;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.StepMetrics;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The RL loop's mechanics on a tiny random policy; learning is {@link RlLearningTest} and the documented runs. */
class RlTrainerTest {
    final CharTokenizer tok = new CharTokenizer();
    final List<Problem> problems = problems();

    static List<Problem> problems() {
        List<Problem> out = new ArrayList<>();
        for (int n = 100; n < 140; n++) {
            out.add(new Problem("p" + n, "n=" + n, "#### " + n, Integer.toString(n), 1));
        }
        return out;
    }

    TransformerPolicy policy() {
        return new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(32).dModel(16).nLayers(1)
                .nHeads(2).mlpRatio(2).initStd(0.2).seed(5).build());
    }

    RlConfig.Builder small(String algo) {
        return RlConfig.preset(algo).iterations(2).promptsPerIteration(4).groupSize(4).miniBatchSize(16).maxNewTokens(10)
                .evalEvery(0).evalProblems(8);
    }

    @Test
    void tensorsPlaceResponseTokensAfterTheirPrompt() {
        SampleBatch b = new SampleBatch(new int[][]{{5, 6, 7}, {5}}, new int[][]{{8, 9}, {4, 3, 2}},
                new float[][]{{-1, -2}, {-3, -4, -5}}, new boolean[]{true, false});
        RolloutTensors t = new RolloutTensors(b, 0);
        assertEquals(4, t.width());
        int[] both = {0, 1};
        assertArrayEquals(new int[]{5, 6, 7, 8}, t.inputIds(both).getRow(0).toIntVector());
        assertArrayEquals(new int[]{6, 7, 8, 9}, t.targetIds(both).getRow(0).toIntVector());
        assertArrayEquals(new int[]{5, 4, 3, 0}, t.inputIds(both).getRow(1).toIntVector());
        assertArrayEquals(new int[]{4, 3, 2, 0}, t.targetIds(both).getRow(1).toIntVector());
        assertArrayEquals(new float[]{0, 0, 1, 1}, t.responseMask(both).getRow(0).toFloatVector());
        assertArrayEquals(new float[]{1, 1, 1, 0}, t.responseMask(both).getRow(1).toFloatVector());
        INDArray placed = t.place(b.logProbs(), new int[]{1});
        assertArrayEquals(new float[]{-3, -4, -5, 0}, placed.getRow(0).toFloatVector());
        float[][] back = new float[2][];
        t.gather(t.place(b.logProbs(), both), both, back);
        assertArrayEquals(b.logProbs()[0], back[0]);
        assertArrayEquals(b.logProbs()[1], back[1]);
    }

    @Test
    void samplerLogProbsEqualTheTrainingGraphsAtTheSamplingTemperature() {
        for (double temperature : new double[]{1.0, 0.7}) {
            TransformerPolicy policy = policy();
            TokenLogProbs.attach(policy.graph(), policy.vocabSize(), temperature);
            List<int[]> prompts = List.of(tok.encode("Q: n=101\nA: "), tok.encode("Q: n=7\nA: "));
            SampleBatch b = new Sampler(tok).sample(policy, prompts,
                    SamplingConfig.builder().maxNewTokens(8).temperature(temperature).build(), 3);
            RolloutTensors t = new RolloutTensors(b, tok.padId());
            int[] rows = {0, 1};
            INDArray lp = policy.graph().sameDiff().output(Map.of(policy.graph().inputIds(), t.inputIds(rows),
                    TokenLogProbs.TARGET_IDS, t.targetIds(rows)), TokenLogProbs.TOKEN_LOGPROBS).get(TokenLogProbs.TOKEN_LOGPROBS);
            float[][] graph = new float[2][];
            t.gather(lp, rows, graph);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(b.logProbs()[i], graph[i], 1e-4f, "temperature " + temperature + ", row " + i);
            }
        }
    }

    @Test
    void firstUpdateIsExactlyOnPolicyAndStartsAtTheReference() {
        // One gradient step per iteration: the first step sees ratio 1 everywhere.
        RlConfig config = small("grpo").iterations(1).miniBatchSize(16).build();
        RlTrainer trainer = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        StepMetrics m = trainer.iterate(problems);
        assertEquals(1.0, m.get("gradient_steps"));
        assertEquals(0.0, m.get("clip_fraction"), 0.0);
        assertEquals(0.0, m.get("approx_kl"), 1e-6);
        assertEquals(0.0, m.get("kl_to_reference"), 1e-6);
        assertEquals(0.0, m.get("kl"), 1e-6);
        assertTrue(m.get("entropy") > 0);
        assertTrue(Double.isFinite(m.get("rl_loss")));
    }

    @Test
    void sameSeedSameRun() {
        RlConfig config = small("grpo").build();
        RlTrainer a = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        RlTrainer b = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        for (int i = 0; i < 2; i++) {
            StepMetrics ma = a.iterate(problems);
            StepMetrics mb = b.iterate(problems);
            for (String k : List.of("reward_mean", "rl_loss", "entropy", "response_length", "grad_norm")) {
                assertEquals(ma.get(k), mb.get(k), 1e-9, k);
            }
        }
    }

    @Test
    void ppoTrainsAValueHeadAndOtherPresetsRun() {
        RlTrainer ppo = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small("ppo").build());
        StepMetrics m = ppo.iterate(problems);
        assertTrue(m.values().containsKey("value_loss"));
        assertEquals(2 * 1.0, m.get("gradient_steps"), "2 epochs of one 16-sequence mini-batch");
        for (String algo : List.of("rloo", "reinforce++")) {
            StepMetrics r = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small(algo).build()).iterate(problems);
            assertTrue(Double.isFinite(r.get("rl_loss")), algo);
        }
    }

    @Test
    void rlhfScoresWholeBatchesWithALearnedRewardAndReportsGuardMetrics() {
        io.dl4jrl.pref.RewardModel rm = new io.dl4jrl.pref.RewardModel(policy().config(), tok.padId());
        int[] calls = new int[1];
        io.dl4jrl.pref.LearnedReward learned = new io.dl4jrl.pref.LearnedReward(rm, tok, PromptFormat.DEFAULT, 5.0);
        io.dl4jrl.reward.RewardFunction counting = new io.dl4jrl.reward.RewardFunction() {
            @Override
            public String name() {
                return learned.name();
            }

            @Override
            public double score(Problem problem, String response) {
                throw new AssertionError("the trainer scores whole batches");
            }

            @Override
            public double[] scoreAll(List<Problem> p, List<String> r) {
                calls[0]++;
                return learned.scoreAll(p, r);
            }
        };
        StepMetrics m = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, counting, small("grpo").build()).iterate(problems);
        assertEquals(1, calls[0], "one batched scoring call per iteration");
        assertTrue(m.values().containsKey("reward_correctness_correlation"), m.values().toString());
        assertTrue(Double.isFinite(m.values().get("reward_mean")));
        StepMetrics plain = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small("grpo").build()).iterate(problems);
        assertFalse(plain.values().containsKey("reward_correctness_correlation"), "no guard metrics when the reward is the checker");
    }

    @Test
    void criticWarmUpHasNoPolicyGradient() {
        TransformerPolicy untied = new TransformerPolicy(policy().config().toBuilder().tieEmbeddings(false).build());
        RlTrainer ppo = new RlTrainer(untied, tok, PromptFormat.DEFAULT, new CorrectnessReward(),
                small("ppo").criticWarmupIterations(1).build());
        var sd = ppo.policy().graph().sameDiff();
        // The value head shares the policy's trunk, so the value loss moves the trunk too; the LM head (untied)
        // is reached only by the policy loss, and must not move while the critic warms up.
        INDArray lmHead = sd.getArrForVarName(io.dl4jrl.graphs.GptNames.LM_HEAD).dup();
        INDArray valueWeights = sd.getArrForVarName(io.dl4jrl.graphs.ValueHead.WEIGHT).dup();
        ppo.iterate(problems);
        assertEquals(lmHead, sd.getArrForVarName(io.dl4jrl.graphs.GptNames.LM_HEAD), "no policy-gradient update during warm-up");
        assertNotEquals(valueWeights, sd.getArrForVarName(io.dl4jrl.graphs.ValueHead.WEIGHT), "value head trained");
        ppo.iterate(problems);
        assertNotEquals(lmHead, sd.getArrForVarName(io.dl4jrl.graphs.GptNames.LM_HEAD), "policy trained after warm-up");
    }

    @Test
    void earlyStoppingEndsAnRlRun() throws java.io.IOException {
        RlTrainer trainer = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small("grpo").iterations(5).build());
        io.dl4jrl.train.EarlyStopping stop = new io.dl4jrl.train.EarlyStopping("response_length",
                io.dl4jrl.train.EarlyStopping.Mode.MAXIMIZE, 0, 0, 0.0); // any length reaches the target: stop after iteration 1
        trainer.addListener(stop).train(problems, problems);
        assertEquals(1, trainer.iteration());
        assertNotNull(trainer.lastEvaluation());
    }

    @Test
    void resumingAnRlRunGivesTheSameWeightsAsNotStopping(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        for (String algo : List.of("grpo", "ppo")) {
            RlConfig config = small(algo).iterations(2).build();
            RlTrainer straight = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
            straight.iterate(problems);
            straight.iterate(problems);

            RlTrainer first = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
            first.iterate(problems);
            java.nio.file.Path file = dir.resolve(algo + ".ckpt");
            io.dl4jrl.checkpoint.CheckpointStore.save(file, first.checkpoint());

            // Start the resumed trainer from a different policy: weights, reference and optimizer state must all come from the file.
            TransformerPolicy other = new TransformerPolicy(policy().config().toBuilder().seed(77).build());
            RlTrainer resumed = new RlTrainer(other, tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
            resumed.resume(io.dl4jrl.checkpoint.CheckpointStore.load(file));
            assertEquals(1, resumed.iteration());
            resumed.iterate(problems);
            var expected = straight.policy().graph().sameDiff();
            var actual = resumed.policy().graph().sameDiff();
            for (String name : List.of(io.dl4jrl.graphs.GptNames.WTE, io.dl4jrl.graphs.GptNames.attnW(0), io.dl4jrl.graphs.GptNames.LN_F_GAIN)) {
                assertTrue(expected.getArrForVarName(name).equalsWithEps(actual.getArrForVarName(name), 1e-6), algo + ": " + name + " differs after resume");
            }
        }
        RlTrainer grpo = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small("grpo").build());
        RlTrainer ppo = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small("ppo").build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ppo.resume(grpo.checkpoint()));
        assertTrue(e.getMessage().contains("rl-grpo"), e.getMessage());
    }

    @Test
    void opoTakesOneExactlyOnPolicyStepPerBatch() {
        RlConfig config = small("opo").build();
        assertEquals(16, config.optimization().miniBatchSize(), "the preset's single mini-batch holds the whole batch");
        RlTrainer opo = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        for (int i = 0; i < 2; i++) {
            StepMetrics m = opo.iterate(problems);
            assertEquals(1.0, m.get("gradient_steps"));
            assertEquals(1.0, m.get("ratio_mean"), 1e-6);
            assertEquals(0.0, m.get("ratio_max_deviation"), 1e-6);
            assertEquals(0.0, m.get("clip_fraction"), 0.0);
            assertFalse(m.values().containsKey("kl"), "no KL term");
            assertTrue(m.get("distinct_2") > 0 && m.get("distinct_2") <= 1);
            assertTrue(m.get("repetition_rate") >= 0 && m.get("repetition_rate") <= 1);
            if (i == 0) {
                assertEquals(0.0, m.get("kl_to_reference"), 1e-6, "policy shift starts at 0");
                for (String b : List.of("opo", "group_mean", "none")) {
                    assertTrue(m.get("gradient_variance_" + b) >= 0, b);
                }
            } else {
                // A random policy earns no reward here, so nothing moves yet; the shift is reported all the same.
                assertTrue(m.get("kl_to_reference") >= 0);
            }
        }
    }

    @Test
    void opoRefusesConfigsThatAreNotExactlyOnPolicy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RlConfig.opo().epochs(2).build());
        assertTrue(e.getMessage().contains("on-policy") && e.getMessage().contains("one epoch (got 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RlConfig.opo().miniBatchSize(32).build());
        assertTrue(e.getMessage().contains("miniBatchSize 32") && e.getMessage().contains("128"), e.getMessage());
        assertEquals(64, RlConfig.opo().promptsPerIteration(8).build().optimization().miniBatchSize());
    }

    @Test
    void configRejectsInconsistentSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RlConfig.grpo().advantageEstimator("gae").build());
        assertTrue(e.getMessage().contains("critic"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RlConfig.grpo().valueCoefficient(0.5).build());
        assertTrue(e.getMessage().contains("valueCoefficient"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RlConfig.grpo().advantageEstimator("nope").build());
        assertTrue(e.getMessage().contains("known"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RlConfig.preset("dpo"));
        assertThrows(IllegalArgumentException.class, () -> RlConfig.grpo().temperature(0).build());
        e = assertThrows(IllegalArgumentException.class, () -> RlConfig.grpo().criticWarmupIterations(1).build());
        assertTrue(e.getMessage().contains("critic"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RlConfig.ppo().iterations(3).criticWarmupIterations(3).build());
    }

    @Test
    void vinePpoRollsOutFromStepBoundariesWithoutAValueHead() {
        VineConfig vine = VineConfig.builder().rollouts(3).minStepChars(0).maxStepsPerResponse(3).build();
        RlConfig config = small("vineppo").vine(vine).build();
        RlTrainer trainer = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        StepMetrics m = trainer.iterate(problems);
        assertFalse(m.values().containsKey("value_loss"), "no value head");
        double states = m.get("vine_distinct_states");
        assertTrue(states >= 4, "at least the 4 prompts are states: " + states);
        assertEquals(3 * states, m.get("vine_completions"), "K completions per distinct state");
        assertTrue(m.get("vine_steps_per_response") >= 1 && m.get("vine_steps_per_response") <= 3, "the cap holds");
        assertTrue(m.get("time_vine_rollouts_s") > 0);
        assertTrue(Double.isFinite(m.get("rl_loss")));
        assertEquals(2.0, m.get("gradient_steps"), "the preset's 2 epochs of one mini-batch");
    }

    @Test
    void valueDiagnosticsCompareMonteCarloAndTheValueHeadOnHeldOutStates() {
        VineConfig vine = VineConfig.builder().rollouts(2).minStepChars(0).diagnosticsEvery(2).diagnosticsProblems(3)
                .groundTruthRollouts(4).build();
        RlTrainer ppo = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small("ppo").vine(vine).build())
                .diagnoseValuesOn(problems.subList(30, 40));
        StepMetrics first = ppo.iterate(problems);
        assertTrue(first.get("value_diag_states") >= 3);
        for (String k : List.of("value_mae_mc", "value_mae_critic", "value_true_mean", "time_value_diagnostics_s")) {
            assertTrue(first.get(k) >= 0, k);
        }
        assertFalse(ppo.iterate(problems).values().containsKey("value_mae_mc"), "only every 2 iterations");
        StepMetrics grpo = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small("grpo").vine(vine).build())
                .diagnoseValuesOn(problems.subList(30, 40)).iterate(problems);
        assertTrue(grpo.values().containsKey("value_mae_mc"));
        assertFalse(grpo.values().containsKey("value_mae_critic"), "no value head to judge");
    }

    @Test
    void replayStartsGroupsFromBufferedStatesAndTheBufferTravelsWithCheckpoints() {
        ReplayConfig replay = ReplayConfig.builder().collectUntil(2).replayFrom(0).replayFraction(0.5).admissionThreshold(0)
                .failedOnly(false).rollouts(1).build();
        RlConfig config = small("grpo").vine(VineConfig.builder().minStepChars(0).build()).replay(replay).build();
        RlTrainer trainer = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        trainer.replayBuffer().offer(new ReplayBuffer.Entry("p101", tok.encode("#"), 1, 0.5, 0, false));
        StepMetrics m = trainer.iterate(problems);
        assertEquals(0.25, m.get("rrl_replay_fraction"), 1e-12, "one of 4 groups (half of 4 slots, one state held)");
        assertTrue(m.values().containsKey("rrl_replay_success") && m.values().containsKey("rrl_fresh_success"));
        assertTrue(m.get("rrl_buffer_size") >= 1);
        assertTrue(m.get("time_replay_s") >= 0);
        var checkpoint = trainer.checkpoint();
        RlTrainer resumed = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        resumed.resume(checkpoint);
        assertEquals(trainer.replayBuffer().size(), resumed.replayBuffer().size());
        assertArrayEquals(trainer.replayBuffer().entries().get(0).prefix(), resumed.replayBuffer().entries().get(0).prefix());
        assertNull(new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small("grpo").build()).replayBuffer());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small("vineppo").replay(replay).build());
        assertTrue(e.getMessage().contains("replay"), e.getMessage());
    }

    @Test
    void memoryBonusesJoinTheRewardBeforeTheAdvantages() {
        var memory = io.dl4jrl.memory.MemoryConfig.builder().minFailureKeys(1).build();
        RlTrainer trainer = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small("grpo").memory(memory).build());
        StepMetrics first = trainer.iterate(problems);
        assertEquals(0.0, first.get("bonus_explore_mean"), "an empty failure memory gives no exploration bonus");
        assertTrue(first.get("memory_failure_keys") >= 1, "a random policy fails: its responses fill the failure memory");
        StepMetrics second = trainer.iterate(problems);
        assertTrue(second.get("bonus_explore_mean") > 0, "novelty against remembered failures");
        assertEquals(second.get("reward_mean") + second.get("bonus_exploit_mean") + second.get("bonus_explore_mean"),
                second.get("reward_with_bonus_mean"), 1e-9, "reward_mean stays the task reward");
        assertTrue(second.get("bonus_share") > 0 && second.get("bonus_share") <= 1);
        RlTrainer resumed = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), small("grpo").memory(memory).build());
        resumed.resume(trainer.checkpoint());
        assertEquals(trainer.memoryBonus().failureMemory().ids(), resumed.memoryBonus().failureMemory().ids(),
                "the memories travel with the checkpoint");
    }
}
