package io.dl4jrl.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.graphs.rl.LossAggregation;
import io.dl4jrl.graphs.rl.PolicyLoss;
import io.dl4jrl.graphs.rl.RlInputs;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.StepMetrics;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The RL loop's seams: a source, a shaping and a probe added as one class each, their timing and checkpoint parts. */
class RlPluginsTest {
    final CharTokenizer tok = new CharTokenizer();
    final List<Problem> problems = RlTrainerTest.problems();

    TransformerPolicy policy() {
        return new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(32).dModel(16).nLayers(1)
                .nHeads(2).mlpRatio(2).initStd(0.2).seed(5).build());
    }

    RlConfig config() {
        return RlConfig.grpo().iterations(2).promptsPerIteration(2).groupSize(4).miniBatchSize(8).maxNewTokens(6)
                .evalEvery(0).evalProblems(4).build();
    }

    /** Always the first problem; counts the iterations it saw, which it checkpoints. */
    static final class FirstProblem implements RolloutSource {
        int observed;

        @Override
        public String name() {
            return "first";
        }

        @Override
        public List<RetrospectiveReplay.Start> starts(long iteration, int slots, List<Problem> train, SplittableRandom random) {
            List<RetrospectiveReplay.Start> out = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                out.add(new RetrospectiveReplay.Start(train.get(0), new int[0]));
            }
            return out;
        }

        @Override
        public Map<String, Double> observe(Rollouts r, RlRun run, SplittableRandom random) {
            observed++;
            return Map.of("first_observed", (double) observed);
        }

        @Override
        public List<CheckpointPart> checkpointParts() {
            return List.of(new CheckpointPart() {
                @Override
                public String key() {
                    return "firstObserved";
                }

                @Override
                public JsonNode save() {
                    return IntNode.valueOf(observed);
                }

                @Override
                public void restore(JsonNode saved, String where) {
                    observed = saved.asInt();
                }
            });
        }
    }

    @Test
    void aSourceAShapingAndAProbeRunWithoutTrainerEdits() {
        FirstProblem source = new FirstProblem();
        List<double[]> shapedOutcomes = new ArrayList<>();
        RewardShaping plusOne = new RewardShaping() {
            @Override
            public String name() {
                return "plus_one";
            }

            @Override
            public Map<String, Double> shape(Rollouts r, double[] outcomes, RlRun run) {
                for (int i = 0; i < outcomes.length; i++) {
                    outcomes[i] += 1;
                }
                shapedOutcomes.add(outcomes.clone());
                return Map.of("plus_one_rows", (double) outcomes.length);
            }
        };
        List<IterationView> seen = new ArrayList<>();
        IterationProbe probe = new IterationProbe() {
            @Override
            public String name() {
                return "spy";
            }

            @Override
            public Map<String, Double> measure(IterationView view) {
                seen.add(view);
                return Map.of("spy_groups", (double) view.groups().groups());
            }
        };
        RlTrainer trainer = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config())
                .withRolloutSource(source).addRewardShaping(plusOne).addProbe(probe);
        StepMetrics m = trainer.iterate(problems);
        Map<String, Double> v = m.values();
        assertEquals(1.0, v.get("first_observed"));
        assertEquals(8.0, v.get("plus_one_rows"));
        assertEquals(2.0, v.get("spy_groups"));
        for (String t : List.of("time_first_s", "time_plus_one_s", "time_spy_s")) {
            assertTrue(v.get(t) >= 0, t);
        }
        Rollouts r = seen.get(0).rollouts();
        assertTrue(r.problems().stream().allMatch(p -> p.id().equals(problems.get(0).id())), "the source chose every start");
        for (int i = 0; i < r.size(); i++) {
            // the estimator saw the shaped outcomes; the task rewards (reward_mean) stay unshaped
            assertEquals(r.taskRewards()[i] + 1, seen.get(0).groups().outcomes()[i], 1e-12);
        }
        assertEquals(mean(r.taskRewards()), v.get("reward_mean"), 1e-12);
        assertSame(source, trainer.plugin(FirstProblem.class).orElseThrow());

        // The source's state travels through the checkpoint.
        FirstProblem other = new FirstProblem();
        RlTrainer resumed = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config()).withRolloutSource(other);
        resumed.resume(trainer.checkpoint());
        assertEquals(1, other.observed);

        // A resume with other settings is refused, naming each differing field.
        RlTrainer different = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(),
                config().toBuilder().groupSize(2).learningRate(1e-3).build()).withRolloutSource(new FirstProblem());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> different.resume(trainer.checkpoint()));
        assertTrue(e.getMessage().contains("sampling.groupSize was 4, now 2") && e.getMessage().contains("optimization.learningRate"),
                e.getMessage());
    }

    static double mean(double[] x) {
        double s = 0;
        for (double d : x) {
            s += d;
        }
        return s / x.length;
    }

    @Test
    void lossesAndEstimatorsDeclareTheirNeedsAndConfigsFollowThem() {
        PolicyLosses.register("test-seq-only", c -> new PolicyLoss() {
            @Override
            public String name() {
                return "test-seq-only";
            }

            @Override
            public SDVariable perToken(RlInputs in, SDVariable logProbs) {
                return logProbs.mul(in.advantages()).neg();
            }

            @Override
            public Optional<LossAggregation> requiredAggregation() {
                return Optional.of(LossAggregation.SEQ_MEAN_TOKEN_MEAN);
            }
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RlConfig.grpo().policyLoss("test-seq-only").build());
        assertTrue(e.getMessage().contains("test-seq-only") && e.getMessage().contains("SEQ_MEAN_TOKEN_MEAN"), e.getMessage());
        assertEquals("test-seq-only", RlConfig.grpo().policyLoss("test-seq-only").aggregation(LossAggregation.SEQ_MEAN_TOKEN_MEAN).build()
                .loss().policyLoss());
        e = assertThrows(IllegalArgumentException.class, () -> RlConfig.grpo().policyLoss("nope").build());
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("ppo-clip"), e.getMessage());

        // OPO's rule follows the estimator's declaration: any exactly-on-policy estimator gets it.
        AdvantageEstimators.register("test-on-policy", () -> new AdvantageEstimator() {
            @Override
            public String name() {
                return "test-on-policy";
            }

            @Override
            public boolean exactlyOnPolicy() {
                return true;
            }

            @Override
            public Advantages estimate(RolloutGroups r) {
                return new OpoAdvantage().estimate(r);
            }
        });
        e = assertThrows(IllegalArgumentException.class, () -> RlConfig.grpo().advantageEstimator("test-on-policy").epochs(2).build());
        assertTrue(e.getMessage().contains("test-on-policy") && e.getMessage().contains("exactly on-policy"), e.getMessage());
    }
}
