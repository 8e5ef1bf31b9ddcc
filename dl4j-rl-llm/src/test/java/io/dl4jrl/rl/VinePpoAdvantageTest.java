package io.dl4jrl.rl;

import io.dl4jrl.text.CharTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class VinePpoAdvantageTest {
    final CharTokenizer tok = new CharTokenizer();
    final int[] prompt = {40, 41};
    final int[][] responses = {{50, 51, 52, 53}, {60, 61, 62}};
    /** Fixed segmentation: response 0 steps end at tokens 2, 4; response 1 at 1, 3. */
    final StepSegmenter fixed = (response, tokenizer) -> response.length == 4 ? new int[]{2, 4} : new int[]{1, 3};

    /** Completion rewards by state, K = 4: V̂(prompt) = 0.5, V̂(prompt + 50 51) = 0.75, V̂(prompt + 60) = 0.25. */
    VineValues.Rollouts scripted(List<List<VineValues.Prefix>> calls) {
        return (prefixes, k) -> {
            calls.add(prefixes);
            assertEquals(4, k);
            double[] r = new double[prefixes.size() * k];
            for (int p = 0; p < prefixes.size(); p++) {
                int[] ids = prefixes.get(p).ids();
                double[] four = ids.length == 2 ? new double[]{1, 0, 0, 1}
                        : ids[2] == 50 ? new double[]{1, 1, 1, 0} : new double[]{0, 0, 0, 1};
                System.arraycopy(four, 0, r, p * k, k);
            }
            return r;
        };
    }

    RolloutContext context(List<List<VineValues.Prefix>> calls) {
        return new RolloutContext(List.of(prompt, prompt), responses, tok, scripted(calls));
    }

    @Test
    void stepAdvantagesOnAHandComputedBatch() {
        List<List<VineValues.Prefix>> calls = new ArrayList<>();
        RolloutGroups groups = RolloutGroups.ofOutcomes(2, new int[]{4, 3}, new double[]{1, 0});
        Advantages a = new VinePpoAdvantage(fixed, 4, false).estimate(groups, context(calls));
        // Response 0: A_0 = 0.75 − 0.5, A_1 = 1 + 0 − 0.75. Response 1: A_0 = 0.25 − 0.5, A_1 = 0 + 0 − 0.25.
        assertArrayEquals(new float[]{0.25f, 0.25f, 0.25f, 0.25f}, a.perToken()[0], 1e-6f);
        assertArrayEquals(new float[]{-0.25f, -0.25f, -0.25f}, a.perToken()[1], 1e-6f);
        assertNull(a.returns(), "no value head, no value targets");
        assertEquals(1, calls.size(), "one batched call");
        assertEquals(3, calls.get(0).size(), "the prompt state is shared by both responses: 3 distinct states");
        assertEquals(3.0, a.metrics().get("vine_distinct_states"));
        assertEquals(2.0, a.metrics().get("vine_steps_per_response"));
        assertEquals(0.5, a.metrics().get("vine_value_prompt_mean"), 1e-12);
        assertEquals(1, calls.get(0).get(2).row(), "each state names a batch row whose problem scores it");
    }

    @Test
    void aKlPenaltyInTheRewardIsSummedOverEachStep() {
        float[][] kl = {{0.1f, 0, 0, 0.05f}, {0, 0, 0}};
        RolloutGroups groups = new RolloutGroups(2, new int[]{4, 3}, new double[]{1, 0}, kl, null);
        Advantages a = new VinePpoAdvantage(fixed, 4, false).estimate(groups, context(new ArrayList<>()));
        assertArrayEquals(new float[]{0.15f, 0.15f, 0.2f, 0.2f}, a.perToken()[0], 1e-6f);
    }

    @Test
    void whitenedAdvantagesHaveZeroMeanAndUnitSpreadOverTokens() {
        RolloutGroups groups = RolloutGroups.ofOutcomes(2, new int[]{4, 3}, new double[]{1, 0});
        Advantages a = new VinePpoAdvantage(fixed, 4, true).estimate(groups, context(new ArrayList<>()));
        double[] all = Arrays.stream(a.perToken()).flatMapToDouble(r -> {
            double[] d = new double[r.length];
            for (int i = 0; i < r.length; i++) d[i] = r[i];
            return Arrays.stream(d);
        }).toArray();
        double mean = Arrays.stream(all).average().orElseThrow();
        double var = Arrays.stream(all).map(v -> (v - mean) * (v - mean)).sum() / all.length;
        assertEquals(0, mean, 1e-6);
        assertEquals(1, var, 1e-5);
        assertTrue(a.perToken()[0][0] > 0 && a.perToken()[1][0] < 0);
    }

    @Test
    void withoutARolloutEngineItSaysWhatItNeeds() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new VinePpoAdvantage(fixed, 4, true).estimate(RolloutGroups.ofOutcomes(1, new int[]{1}, new double[]{1})));
        assertTrue(e.getMessage().contains("RolloutContext"), e.getMessage());
    }

    @Test
    void registeredWithTheRunsSettings() {
        RlConfig config = RlConfig.vineppo().vine(VineConfig.builder().rollouts(3).build()).build();
        AdvantageEstimator e = AdvantageEstimators.create("vineppo", config);
        assertInstanceOf(VinePpoAdvantage.class, e);
        assertEquals(3, ((VinePpoAdvantage) e).rollouts());
        assertFalse(AdvantageEstimators.needsCritic("vineppo"));
        assertTrue(e.needsRolloutContext());
        assertEquals(0.0, config.loss().valueCoefficient(), "no value head");
        assertEquals(9, ((VinePpoAdvantage) AdvantageEstimators.create("vineppo")).rollouts(), "the paper's K by default");
    }

    @Test
    void theCapMergesStepsEvenlyAndKeepsTheEnd() {
        int[] ends = {2, 5, 6, 9, 12};
        assertArrayEquals(ends, CappedStepSegmenter.cap(ends, 0));
        assertArrayEquals(ends, CappedStepSegmenter.cap(ends, 5));
        assertArrayEquals(new int[]{6, 12}, CappedStepSegmenter.cap(ends, 2));
        assertArrayEquals(new int[]{5, 9, 12}, CappedStepSegmenter.cap(ends, 3));
        assertArrayEquals(new int[]{12}, CappedStepSegmenter.cap(ends, 1));
        StepSegmenter capped = new CappedStepSegmenter(new LineStepSegmenter(0, "####"), 2);
        int[] response = tok.encode("1+1=2\n2+1=3\n3+1=4\n#### 4");
        assertArrayEquals(new int[]{12, response.length}, capped.stepEnds(response, tok));
    }

    @Test
    void vineConfigValidatesItsFields() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VineConfig.builder().rollouts(0).build());
        assertTrue(e.getMessage().contains("rollouts"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VineConfig.builder().temperature(-1).build());
        VineConfig runs = VineConfig.defaults().resolve(0.6, 0.9);
        assertEquals(0.6, runs.temperature(), "by default the values are under the run's own sampling temperature");
        assertEquals(0.9, runs.topP());
        assertEquals(0.8, VineConfig.builder().temperature(0.8).build().resolve(0.6, 0.9).temperature());
        assertThrows(IllegalArgumentException.class, () -> VineConfig.builder().maxStepsPerResponse(-1).build());
        assertThrows(IllegalArgumentException.class, () -> VineConfig.builder().groundTruthRollouts(1).build());
        assertEquals(Map.of(), new Advantages(new float[0][], null).metrics());
    }
}
