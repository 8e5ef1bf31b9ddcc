package io.dl4jrl.rl;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.task.Problem;
import io.dl4jrl.text.CharTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ReplayBufferTest {

    static ReplayBuffer.Entry entry(String problem, int[] prefix, double value, long iteration) {
        return new ReplayBuffer.Entry(problem, prefix, 1, value, iteration, false);
    }

    @Test
    void identicalStatesAreKeptOnceWithTheHigherValue() {
        ReplayBuffer b = new ReplayBuffer(4);
        assertTrue(b.offer(entry("p1", new int[]{5, 6}, 0.3, 0)));
        assertTrue(b.offer(entry("p1", new int[]{5, 6}, 0.6, 2)));
        assertTrue(b.offer(entry("p1", new int[]{5, 6}, 0.4, 3)));
        assertTrue(b.offer(entry("p2", new int[]{5, 6}, 0.3, 3)), "same prefix, other problem: another state");
        assertEquals(2, b.size());
        ReplayBuffer.Entry kept = b.entries().get(0);
        assertEquals(0.6, kept.value());
        assertEquals(0, kept.iteration(), "keeps when it was first found");
    }

    @Test
    void whenFullTheLowestValuedThenOldestStateIsEvicted() {
        ReplayBuffer b = new ReplayBuffer(3);
        b.offer(entry("a", new int[]{1}, 0.5, 0));
        b.offer(entry("b", new int[]{1}, 0.25, 1));
        b.offer(entry("c", new int[]{1}, 0.25, 2));
        assertFalse(b.offer(entry("d", new int[]{1}, 0.25, 3)), "no better than the worst stored: turned away");
        assertTrue(b.offer(entry("e", new int[]{1}, 0.75, 4)));
        assertEquals(List.of("a", "c", "e"), b.entries().stream().map(ReplayBuffer.Entry::problemId).toList(),
                "b and c tie at the lowest value; b is older and goes");
    }

    @Test
    void samplingDrawsDistinctStatesAndSolvedFromScratchIsCounted() {
        ReplayBuffer b = new ReplayBuffer(10);
        for (int i = 0; i < 5; i++) {
            b.offer(entry("p" + i, new int[]{i}, 0.5, i));
        }
        List<ReplayBuffer.Entry> s = b.sample(3, new SplittableRandom(1));
        assertEquals(3, s.stream().map(ReplayBuffer.Entry::problemId).distinct().count());
        assertEquals(5, b.sample(9, new SplittableRandom(1)).size());
        b.solvedFromScratch("p3", 3);
        assertEquals(0, b.solvedFromScratchCount(), "a success in the iteration that found the state does not count");
        b.solvedFromScratch("p3", 4);
        assertEquals(1, b.solvedFromScratchCount());
    }

    @Test
    void jsonRoundTripKeepsEveryStateAndBadInputNamesTheSource() throws Exception {
        ReplayBuffer b = new ReplayBuffer(7);
        b.offer(entry("p1", new int[]{3, 4, 5}, 0.5, 2));
        b.offer(entry("p2", new int[]{9}, 0.75, 4));
        b.solvedFromScratch("p2", 6);
        String text = new ObjectMapper().writeValueAsString(b.toJson());
        ReplayBuffer back = ReplayBuffer.fromJson(new ObjectMapper().readTree(text), "test");
        assertEquals(7, back.capacity());
        assertEquals(2, back.size());
        assertArrayEquals(new int[]{3, 4, 5}, back.entries().get(0).prefix());
        assertTrue(back.entries().get(1).solvedFromScratch());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplayBuffer.fromJson(new ObjectMapper().readTree("{\"capacity\":3}"), "ckpt.zip"));
        assertTrue(e.getMessage().startsWith("ckpt.zip"), e.getMessage());
    }

    @Test
    void aReplayedRolloutsLossMaskCoversOnlyItsContinuation() {
        // The trainer makes the stored prefix part of a replayed row's prompt.
        int[] prompt = {10, 11, 12};
        int[] prefix = {20, 21};
        int[] continuation = {30, 31, 32};
        int[] promptWithPrefix = {10, 11, 12, 20, 21};
        SampleBatch b = new SampleBatch(new int[][]{promptWithPrefix, prompt}, new int[][]{continuation, {40}},
                new float[][]{{-1, -1, -1}, {-1}}, new boolean[]{true, true});
        RolloutTensors t = new RolloutTensors(b, 0);
        // Targets: 11 12 20 21 30 31 32 → the mask is on 30 31 32 only.
        assertArrayEquals(new float[]{0, 0, 0, 0, 1, 1, 1}, t.responseMask(new int[]{0}).getRow(0).toFloatVector());
        assertArrayEquals(new int[]{11, 12, 20, 21, 30, 31, 32}, t.targetIds(new int[]{0}).getRow(0).toIntVector());
        assertEquals(3, t.lengths()[0]);
    }

    @Test
    void observeAdmitsPromisingStatesOfFailedResponsesOnlyWhileCollecting() {
        CharTokenizer tok = new CharTokenizer();
        ReplayConfig config = ReplayConfig.builder().collectUntil(2).replayFrom(2).replayFraction(0.5).admissionThreshold(0.5)
                .rollouts(2).build();
        RetrospectiveReplay rrl = new RetrospectiveReplay(config);
        Problem p = new Problem("p7", "q", "1+1=2\n2+2=4\n#### 4", "4", 2);
        List<RetrospectiveReplay.Start> starts = List.of(new RetrospectiveReplay.Start(p, new int[0]),
                new RetrospectiveReplay.Start(p, new int[0]));
        int[][] responses = {tok.encode("1+1=2\n2+2=5\n#### 5"), tok.encode("1+1=3\n3+2=5\n#### 5")};
        int[] prompt = tok.encode("Q: q\nA: ");
        List<List<VineValues.Prefix>> seen = new ArrayList<>();
        // The state after "1+1=2\n" finishes half the time, after "1+1=3\n" never.
        VineValues.Rollouts rollouts = (prefixes, k) -> {
            seen.add(prefixes);
            double[] r = new double[prefixes.size() * k];
            for (int s = 0; s < prefixes.size(); s++) {
                boolean good = tok.decode(prefixes.get(s).ids()).endsWith("1+1=2\n");
                r[s * k] = good ? 1 : 0;
            }
            return r;
        };
        StepSegmenter lines = new LineStepSegmenter(0, "####");
        rrl.observe(0, starts, responses, new boolean[]{false, false}, List.of(prompt, prompt), lines, tok, rollouts);
        assertEquals(2, seen.get(0).size(), "one boundary (after step 1, before the last step) per response");
        assertEquals(1, rrl.buffer().size());
        assertEquals("1+1=2\n", tok.decode(rrl.buffer().entries().get(0).prefix()));
        assertEquals(0.5, rrl.buffer().entries().get(0).value());
        Map<String, Double> m = rrl.metrics();
        assertEquals(1.0, m.get("rrl_admitted"));
        assertEquals(0.0, m.get("rrl_fresh_success"));

        assertTrue(rrl.plan(1, 4, new SplittableRandom(1)).isEmpty(), "no replay before replayFrom");
        List<ReplayBuffer.Entry> planned = rrl.plan(2, 4, new SplittableRandom(1));
        assertEquals(1, planned.size(), "half of 4 slots asked for, one state held");
        RetrospectiveReplay.Start replayed = RetrospectiveReplay.start(planned.get(0), Map.of("p7", p));
        rrl.observe(2, List.of(replayed, starts.get(0)), new int[][]{tok.encode("2+2=4\n#### 4"), responses[0]},
                new boolean[]{true, false}, List.of(prompt, prompt), lines, tok, rollouts);
        assertEquals(1, seen.size(), "collection is over: nothing judged at iteration 2");
        assertEquals(0.5, rrl.metrics().get("rrl_replay_fraction"));
        assertEquals(1.0, rrl.metrics().get("rrl_replay_success"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RetrospectiveReplay.start(planned.get(0), Map.of()));
        assertTrue(e.getMessage().contains("p7"), e.getMessage());
    }

    @Test
    void theJudgingCapIsSpreadOverTheGroups() {
        CharTokenizer tok = new CharTokenizer();
        RetrospectiveReplay rrl = new RetrospectiveReplay(ReplayConfig.builder().responsesJudged(3).rollouts(1).build());
        List<RetrospectiveReplay.Start> starts = new ArrayList<>();
        for (int g = 0; g < 3; g++) {
            RetrospectiveReplay.Start s = new RetrospectiveReplay.Start(new Problem("p" + g, "q", "", "1", 2), new int[0]);
            starts.add(s);
            starts.add(s);
        }
        int[] response = tok.encode("1+1=2\n2+2=5\n#### 5");
        int[][] responses = {response, response, response, response, response, response};
        List<Integer> rows = new ArrayList<>();
        rrl.observe(0, starts, responses, new boolean[6], java.util.Collections.nCopies(6, tok.encode("Q")),
                new LineStepSegmenter(0, "####"), tok, (prefixes, k) -> {
                    prefixes.forEach(p -> rows.add(p.row()));
                    return new double[prefixes.size() * k];
                });
        assertEquals(List.of(0, 2, 4), rows, "the first failed response of each of the 3 groups");
    }
}
