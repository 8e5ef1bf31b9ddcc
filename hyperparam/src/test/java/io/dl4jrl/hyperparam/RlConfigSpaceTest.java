package io.dl4jrl.hyperparam;

import io.dl4jrl.rl.RlConfig;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.parameter.BooleanSpace;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RlConfigSpaceTest {
    static final RlConfig BASE = RlConfig.grpo().iterations(7).promptsPerIteration(5).groupSize(6).learningRate(1e-4)
            .evalProblems(50).seed(3).build();

    static RlConfigSpace space() {
        return RlConfigSpace.builder(BASE)
                .algorithm(new DiscreteParameterSpace<>("grpo", "rloo", "ppo"))
                .learningRate(new ContinuousParameterSpace(new LogUniformDistribution(1e-5, 1e-3)))
                .groupSize(new DiscreteParameterSpace<>(4, 8))
                .clipEpsilon(new ContinuousParameterSpace(0.1, 0.3))
                .build();
    }

    @Test
    void arbitersVectorMapsOntoTheConfiguration() {
        RlConfigSpace space = space();
        new RandomSearchGenerator(space, null); // assigns the leaves' indices, as any generator does
        assertEquals(4, space.numParameters());
        assertEquals(4, space.collectLeaves().size());

        RlCandidate c = space.getValue(new double[]{0.5, 0.0, 0.99, 0.5});
        RlConfig cfg = c.config();
        assertEquals("rloo", cfg.algorithm());
        assertEquals("rloo", cfg.advantageEstimator());
        assertEquals(1e-5, cfg.optimization().learningRate(), 1e-12);
        assertEquals(8, cfg.sampling().groupSize());
        assertEquals(0.2, cfg.loss().clipEpsilon(), 1e-12);
        // the budget stays the base's
        assertEquals(7, cfg.iterations());
        assertEquals(5, cfg.sampling().promptsPerIteration());
        assertEquals(50, cfg.evaluation().evalProblems());
        assertEquals(3, cfg.seed());
        assertEquals(List.of(RlHyperparameter.ALGORITHM, RlHyperparameter.LEARNING_RATE, RlHyperparameter.GROUP_SIZE,
                RlHyperparameter.CLIP_EPSILON), new ArrayList<>(c.hyperparameters().keySet()));

        RlConfig top = space.getValue(new double[]{0.99, 1.0, 0.0, 1.0}).config();
        assertEquals(1e-3, top.optimization().learningRate(), 1e-12);
        // PPO's preset: critic, GAE, KL in the reward, 2 epochs; with the base's group size overridden by the space
        assertEquals("gae", top.advantageEstimator());
        assertEquals(0.5, top.loss().valueCoefficient());
        assertEquals(0.02, top.loss().klRewardCoefficient());
        assertEquals(2, top.optimization().epochs());
        assertEquals(4, top.sampling().groupSize());
        assertEquals(0.3, top.loss().clipEpsilon(), 1e-12);
    }

    @Test
    void everyRlSettingOfTheIssueIsSearchable() {
        RlConfigSpace space = RlConfigSpace.builder(BASE)
                .klCoefficient(new ContinuousParameterSpace(0.0, 0.1))
                .temperature(new ContinuousParameterSpace(0.5, 1.5))
                .vineRollouts(new IntegerParameterSpace(3, 9))
                .exploitBonus(new ContinuousParameterSpace(0.0, 2.0))
                .exploreBonus(new ContinuousParameterSpace(0.0, 2.0))
                .replayFraction(new ContinuousParameterSpace(0.0, 0.5))
                .opo(new BooleanSpace())
                .build();
        new RandomSearchGenerator(space, null);
        RlConfig c = space.getValue(new double[]{0.5, 0.5, 1.0, 0.25, 0.75, 0.5, 0.1}).config(); // BooleanSpace: <= 0.5 is true
        assertEquals(0.05, c.loss().klCoefficient(), 1e-12);
        assertEquals(1.0, c.sampling().temperature(), 1e-12);
        assertEquals(9, c.vine().rollouts());
        assertTrue(c.memory().enabled());
        assertEquals(0.5, c.memory().exploitCoefficient(), 1e-12);
        assertEquals(1.5, c.memory().exploreCoefficient(), 1e-12);
        assertTrue(c.replay().enabled());
        assertEquals(0.25, c.replay().replayFraction(), 1e-12);
        // OPO on: exact on-policy (one epoch, one mini-batch of the whole batch), optimal baseline
        assertEquals("opo", c.algorithm());
        assertEquals("opo", c.advantageEstimator());
        assertEquals(1, c.optimization().epochs());
        assertEquals(5 * 6, c.optimization().miniBatchSize());

        RlConfig off = space.getValue(new double[]{0.5, 0.5, 1.0, 0.25, 0.75, 0.5, 0.9}).config();
        assertEquals("grpo", off.algorithm());
    }

    @Test
    void opoFollowsASearchedGroupSize() {
        RlConfigSpace space = RlConfigSpace.builder(BASE).opo(new DiscreteParameterSpace<>(true))
                .groupSize(new DiscreteParameterSpace<>(16)).build();
        RlConfig c = space.candidate(Map.of(RlHyperparameter.OPO, true, RlHyperparameter.GROUP_SIZE, 16)).config();
        assertEquals(5 * 16, c.optimization().miniBatchSize());
    }

    @Test
    void anInvalidCombinationIsACandidateWithAReasonNotAnException() {
        RlConfigSpace space = RlConfigSpace.builder(BASE).algorithm(new DiscreteParameterSpace<>("vineppo", "grpo"))
                .replayFraction(new DiscreteParameterSpace<>(0.25)).build();
        RlCandidate bad = space.candidate(Map.of(RlHyperparameter.ALGORITHM, "vineppo", RlHyperparameter.REPLAY_FRACTION, 0.25));
        assertFalse(bad.valid());
        assertNull(bad.config());
        assertTrue(bad.invalidReason().contains("replay"), bad.invalidReason());
        assertTrue(space.candidate(Map.of(RlHyperparameter.ALGORITHM, "grpo", RlHyperparameter.REPLAY_FRACTION, 0.25)).valid());

        RlCandidate fractional = space.candidate(Map.of(RlHyperparameter.GROUP_SIZE, 4.5));
        assertTrue(fractional.invalidReason().contains("groupSize takes an integer"), fractional.invalidReason());
        RlCandidate wrongType = space.candidate(Map.of(RlHyperparameter.ALGORITHM, 3));
        assertTrue(wrongType.invalidReason().contains("algorithm takes a String"), wrongType.invalidReason());
    }

    @Test
    void gridSearchEnumeratesTheProductWithLogSpacedLearningRates() {
        RlConfigSpace space = RlConfigSpace.builder(BASE)
                .learningRate(new ContinuousParameterSpace(new LogUniformDistribution(1e-5, 1e-3)))
                .algorithm(new DiscreteParameterSpace<>("grpo", "rloo"))
                .build();
        GridSearchCandidateGenerator grid = new GridSearchCandidateGenerator(space, 3, GridSearchCandidateGenerator.Mode.Sequential, null);
        assertEquals(6, grid.getTotalNumCandidates());
        Set<String> seen = new HashSet<>();
        while (grid.hasMoreCandidates()) {
            Candidate cand = grid.getCandidate();
            RlConfig c = ((RlCandidate) cand.getValue()).config();
            seen.add(c.algorithm() + "@" + String.format("%.0e", c.optimization().learningRate()));
        }
        assertEquals(Set.of("grpo@1e-05", "grpo@1e-04", "grpo@1e-03", "rloo@1e-05", "rloo@1e-04", "rloo@1e-03"), seen);
    }

    @Test
    void randomSearchIsReproducibleFromItsSeed() {
        List<String> a = sample(42);
        assertEquals(a, sample(42));
        assertFalse(a.equals(sample(43)));
    }

    private static List<String> sample(long seed) {
        RandomSearchGenerator g = new RandomSearchGenerator(space(), null);
        g.setRngSeed(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            out.add(((RlCandidate) g.getCandidate().getValue()).describe());
        }
        return out;
    }
}
