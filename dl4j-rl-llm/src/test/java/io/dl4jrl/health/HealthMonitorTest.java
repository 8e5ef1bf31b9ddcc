package io.dl4jrl.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.StepMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The health signals on made-up metrics, and a monitor stopping a real run made to collapse. */
class HealthMonitorTest {

    static StepMetrics step(long i, Map<String, Double> values) {
        return new StepMetrics(i, "grpo", values);
    }

    static EvalResult eval(int correct) {
        return new EvalResult(100, correct, Map.of(), Map.of(), 5, List.of());
    }

    @Test
    void entropyCollapseTripsAfterPatienceAndStops(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("health.json");
        HealthMonitor m = new HealthMonitor(HealthConfig.builder().action(HealthConfig.Action.STOP).build(), file);
        double[] entropy = {1.0, 0.5, 0.09, 0.08, 0.07};
        long stoppedAt = -1;
        for (int i = 0; i < entropy.length && stoppedAt < 0; i++) {
            m.onStep(step(i + 1, Map.of("entropy", entropy[i])));
            if (m.stopRequested()) {
                stoppedAt = i + 1;
            }
        }
        assertEquals(4, stoppedAt, "below 0.1 x 1.0 at iterations 3 and 4: patience 2");
        HealthMonitor.Trip trip = m.stoppedBy().orElseThrow();
        assertEquals("entropy_collapse", trip.signal());
        assertEquals("health monitor: entropy_collapse at iteration 4: entropy 0.08 < 0.1 x its start 1 (2 iterations in a row)", trip.message());
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertEquals("stopped", json.get("status").asText());
        assertEquals(trip.message(), json.get("stoppedBy").asText());
        assertEquals(1.0, json.at("/signals/entropy_collapse/state/start").asDouble());
        assertEquals(0.1, json.at("/signals/entropy_collapse/thresholds/belowStartTimes").asDouble());
        assertTrue(json.at("/signals/entropy_collapse/tripped").asBoolean());
        assertFalse(json.at("/signals/kl_blowup/tripped").asBoolean());
        assertEquals(4, json.at("/trips/0/step").asLong());
    }

    @Test
    void aWarningDoesNotStopAndEachSignalTripsOnce() {
        HealthMonitor m = new HealthMonitor(HealthConfig.builder().patience(1).build(), null);
        for (int i = 1; i <= 4; i++) {
            m.onStep(step(i, Map.of("kl_to_reference", 2.0, "clip_fraction", 0.1)));
        }
        assertFalse(m.stopRequested());
        assertEquals("warned", m.status());
        assertEquals(1, m.trips().size());
        assertEquals("kl_blowup", m.trips().get(0).signal());
        assertEquals("kl_to_reference 2 > 1", m.trips().get(0).reading());
    }

    @Test
    void lengthClipAndMismatchSignals() {
        HealthMonitor m = new HealthMonitor(HealthConfig.builder().patience(1).build(), null);
        m.onStep(step(1, Map.of("response_length", 10.0, "clip_fraction", 0.2, "sampler_mismatch_kl", 1e-7)));
        m.onStep(step(2, Map.of("response_length", 31.0, "clip_fraction", 0.6, "sampler_mismatch_kl", 0.05)));
        List<String> tripped = m.trips().stream().map(HealthMonitor.Trip::signal).toList();
        assertEquals(List.of("length_explosion", "clip_saturation", "sampler_mismatch"), tripped);
        HealthMonitor c = new HealthMonitor(HealthConfig.builder().patience(1).build(), null);
        c.onStep(step(1, Map.of("response_length", 10.0)));
        c.onStep(step(2, Map.of("response_length", 2.0)));
        assertEquals("length_collapse", c.trips().get(0).signal());
        assertEquals("response_length 2 < 0.25 x its start 10", c.trips().get(0).reading());
    }

    @Test
    void rewardCollapseTripsWhenTheRewardVanishesButNotFromAZeroStart() {
        HealthMonitor m = new HealthMonitor(HealthConfig.defaults(), null);
        double[] reward = {0.21875, 0.0, 0.0, 0.0}; // the CISPO seed of docs/rl.md: the format broke after one iteration
        for (int i = 0; i < reward.length; i++) {
            m.onStep(step(i + 1, Map.of("reward_mean", reward[i])));
        }
        assertEquals(1, m.trips().size());
        assertEquals("reward_collapse", m.trips().get(0).signal());
        assertEquals(3, m.trips().get(0).step(), "patience 2: iterations 2 and 3");
        HealthMonitor fromZero = new HealthMonitor(HealthConfig.defaults(), null);
        for (int i = 1; i <= 4; i++) {
            fromZero.onStep(step(i, Map.of("reward_mean", 0.0)));
        }
        assertTrue(fromZero.trips().isEmpty(), "a run that starts at 0 reward has no start to fall from");
    }

    @Test
    void rewardHackingIsRewardUpWhileHeldOutAccuracyFalls() {
        HealthMonitor m = new HealthMonitor(HealthConfig.defaults(), null);
        m.onEvaluation(0, eval(50));
        m.onStep(step(1, Map.of("reward_mean", 0.1))); // the start evaluation's reward window
        m.onStep(step(2, Map.of("reward_mean", 0.2)));
        m.onEvaluation(2, eval(45)); // 5 points down: not yet
        m.onStep(step(2, Map.of("reward_mean", 0.3)));
        assertTrue(m.trips().isEmpty());
        m.onStep(step(3, Map.of("reward_mean", 0.6)));
        m.onEvaluation(4, eval(38));
        m.onStep(step(4, Map.of("reward_mean", 0.8)));
        assertEquals(1, m.trips().size());
        assertEquals("held-out accuracy 38.0% is 12.0 points below its best 50.0% while the mean reward rose from 0.1 to 0.7",
                m.trips().get(0).reading());
        // Accuracy falling with the reward is not hacking.
        HealthMonitor honest = new HealthMonitor(HealthConfig.defaults(), null);
        honest.onEvaluation(0, eval(50));
        honest.onStep(step(1, Map.of("reward_mean", 0.5)));
        honest.onStep(step(2, Map.of("reward_mean", 0.2)));
        honest.onEvaluation(2, eval(30));
        honest.onStep(step(2, Map.of("reward_mean", 0.2)));
        assertTrue(honest.trips().isEmpty());
    }

    @Test
    void aResumedMonitorKeepsTheRunsStartValues(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("health.json");
        HealthMonitor first = new HealthMonitor(HealthConfig.defaults(), file);
        first.onStep(step(1, Map.of("entropy", 2.0)));
        first.onEnd(1);
        HealthMonitor resumed = HealthMonitor.continuing(HealthConfig.builder().patience(1).build(), file);
        resumed.onStep(step(2, Map.of("entropy", 0.15)));
        assertEquals("entropy 0.15 < 0.1 x its start 2", resumed.trips().get(0).reading(), "start 2 from the file, not 0.15");
    }

    @Test
    void thresholdsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> HealthConfig.builder().patience(0).build());
        assertThrows(IllegalArgumentException.class, () -> HealthConfig.builder().entropyCollapseRatio(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> HealthConfig.builder().lengthExplosionRatio(0.5).build());
        assertEquals(HealthConfig.Action.STOP, HealthConfig.Action.parse("stop"));
        assertThrows(IllegalArgumentException.class, () -> HealthConfig.Action.parse("abort"));
    }

    @Test
    void aMonitorStopsARunMadeToCollapseByAHugeLearningRate(@TempDir Path dir) throws IOException {
        CharTokenizer tok = new CharTokenizer();
        List<Problem> problems = new ArrayList<>();
        for (int n = 100; n < 140; n++) {
            problems.add(new Problem("p" + n, "n=" + n, "#### " + n, Integer.toString(n), 1));
        }
        // A reward a random policy earns a little of and a collapsed one the most: the share of '7's in the response.
        RewardFunction sevens = new RewardFunction() {
            @Override
            public String name() {
                return "sevens";
            }

            @Override
            public double score(Problem problem, String response) {
                return response.isEmpty() ? 0 : response.chars().filter(c -> c == '7').count() / (double) response.length();
            }
        };
        TransformerPolicy policy = new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(32).dModel(16)
                .nLayers(1).nHeads(2).mlpRatio(2).initStd(0.2).seed(5).build());
        RlConfig config = RlConfig.grpo().iterations(30).promptsPerIteration(4).groupSize(4).miniBatchSize(4).epochs(2).maxNewTokens(10)
                .learningRate(LEARNING_RATE).klCoefficient(0).evalEvery(0).evalProblems(8).build();
        Path file = dir.resolve("health.json");
        HealthMonitor monitor = new HealthMonitor(HealthConfig.builder().action(HealthConfig.Action.STOP).build(), file);
        List<Double> entropy = new ArrayList<>();
        RlTrainer trainer = new RlTrainer(policy, tok, PromptFormat.DEFAULT, sevens, config).addListener(new io.dl4jrl.train.TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                entropy.add(m.get("entropy"));
            }
        }).addListener(monitor);
        trainer.train(problems, problems.subList(0, 8));
        assertTrue(trainer.iteration() < 30, "stopped early, after " + trainer.iteration() + " iterations; entropy " + entropy);
        HealthMonitor.Trip trip = monitor.stoppedBy().orElseThrow();
        assertEquals("entropy_collapse", trip.signal(), trip.message());
        assertEquals(trainer.iteration(), trip.step());
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertEquals("stopped", json.get("status").asText());
        assertTrue(entropy.get(entropy.size() - 1) < 0.1 * entropy.get(0), entropy.toString());
    }

    static final double LEARNING_RATE = 0.05;
}
