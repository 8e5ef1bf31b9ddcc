package io.dl4jrl.sampling;

import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.text.CharTokenizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SamplerTest {
    final CharTokenizer tok = new CharTokenizer();
    final TransformerPolicy policy = new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(48)
            .dModel(16).nLayers(1).nHeads(2).mlpRatio(2).initStd(0.5).seed(3).build());
    final Sampler sampler = new Sampler(tok);
    final List<int[]> prompts = List.of(tok.encode("Q: 1+1\nA: "), tok.encode("Q: 12*3\nA: "), tok.encode("hi"));

    @Test
    void sameSeedSameSamplesOtherSeedOtherSamples() {
        SamplingConfig c = SamplingConfig.builder().maxNewTokens(12).temperature(1.0).build();
        SampleBatch a = sampler.sample(policy, prompts, c, 7);
        SampleBatch b = sampler.sample(policy, prompts, c, 7);
        SampleBatch other = sampler.sample(policy, prompts, c, 8);
        assertTrue(Arrays.deepEquals(a.responses(), b.responses()));
        assertTrue(Arrays.deepEquals(a.logProbs(), b.logProbs()));
        assertFalse(Arrays.deepEquals(a.responses(), other.responses()));
    }

    @Test
    void kvCacheAndRecomputeSampleTheSameTokens() {
        SamplingConfig c = SamplingConfig.builder().maxNewTokens(10).temperature(0.8).build();
        SampleBatch cached = sampler.sample(policy, prompts, c, 3);
        SampleBatch recomputed = sampler.sample(policy, prompts, c.toBuilder().useKvCache(false).build(), 3);
        assertTrue(Arrays.deepEquals(cached.responses(), recomputed.responses()));
        for (int i = 0; i < cached.size(); i++) {
            for (int t = 0; t < cached.length(i); t++) {
                assertEquals(cached.logProbs()[i][t], recomputed.logProbs()[i][t], 1e-4);
            }
        }
    }

    @Test
    void chunkingDoesNotChangeGreedyResults() {
        SamplingConfig c = SamplingConfig.greedy(8);
        SampleBatch whole = sampler.sample(policy, prompts, c, 1);
        SampleBatch chunked = sampler.sample(policy, prompts, c.toBuilder().maxBatchSize(1).build(), 1);
        assertTrue(Arrays.deepEquals(whole.responses(), chunked.responses()));
    }

    @Test
    void aLongPromptInTheBatchDoesNotCutTheOthersShort() {
        // Context 48: the long prompt has room for 4 new tokens, the short ones for the full 20. Before each row had its
        // own budget, the whole chunk got the long prompt's 4.
        int[] longPrompt = tok.encode("Q: a very long question that fills it up\nA: ");
        assertEquals(44, longPrompt.length);
        List<int[]> mixed = List.of(prompts.get(0), longPrompt, prompts.get(2));
        for (boolean cache : new boolean[]{true, false}) {
            SamplingConfig c = SamplingConfig.greedy(20).toBuilder().useKvCache(cache).build();
            SampleBatch s = sampler.sample(policy, mixed, c, 5);
            assertTrue(s.length(1) <= 4, "cache " + cache);
            for (int row : new int[]{0, 2}) {
                SampleBatch alone = sampler.sample(policy, List.of(mixed.get(row)), c, 5);
                assertTrue(alone.length(0) > 4, "the check needs a row that runs past the long prompt's room");
                assertArrayEquals(alone.responses()[0], s.responses()[row], "cache " + cache + ", row " + row);
            }
        }
    }

    @Test
    void logProbsAreValidAndLengthsRespectTheBudget() {
        SampleBatch s = sampler.sample(policy, prompts, SamplingConfig.builder().maxNewTokens(6).build(), 2);
        for (int i = 0; i < s.size(); i++) {
            assertTrue(s.length(i) >= 1 && s.length(i) <= 6);
            assertEquals(s.length(i) < 6 || s.responses()[i][5] == tok.eosId(), s.finished()[i]);
            for (float lp : s.logProbs()[i]) {
                assertTrue(lp <= 0 && Float.isFinite(lp));
            }
        }
        assertEquals(s.totalResponseTokens(), (long) s.responseMask().sumNumber().doubleValue());
    }

    @Test
    void stopsOnStopStringAndKeepsIt() {
        // Find what greedy decoding produces, then stop on its second character.
        SampleBatch free = sampler.sample(policy, List.of(prompts.get(0)), SamplingConfig.greedy(8), 0);
        String text = tok.decode(free.responses()[0]);
        org.junit.jupiter.api.Assumptions.assumeTrue(text.length() >= 3);
        String stop = text.substring(1, 2);
        SampleBatch stopped = sampler.sample(policy, List.of(prompts.get(0)),
                SamplingConfig.greedy(8).toBuilder().stopStrings(List.of(stop)).build(), 0);
        String got = tok.decode(stopped.responses()[0]);
        assertTrue(got.endsWith(stop));
        assertEquals(text.indexOf(stop) + 1, got.length());
        assertTrue(stopped.finished()[0]);
    }

    @Test
    void topKOneIsGreedy() {
        SampleBatch greedy = sampler.sample(policy, prompts, SamplingConfig.greedy(8), 0);
        SampleBatch topOne = sampler.sample(policy, prompts, SamplingConfig.builder().maxNewTokens(8).topK(1).build(), 99);
        assertTrue(Arrays.deepEquals(greedy.responses(), topOne.responses()));
    }

    @Test
    void topPRestrictsToTheNucleus() {
        // Distribution 0.6, 0.3, 0.1: top-p 0.5 keeps only token 0; top-p 0.85 never draws token 2.
        float[] logits = {(float) Math.log(0.6), (float) Math.log(0.3), (float) Math.log(0.1)};
        double[] lp = new double[1];
        SplittableRandom r = new SplittableRandom(1);
        TokenSampler narrow = new TokenSampler(SamplingConfig.builder().topP(0.5).build(), 3);
        TokenSampler mid = new TokenSampler(SamplingConfig.builder().topP(0.85).build(), 3);
        int[] counts = new int[3];
        for (int i = 0; i < 2000; i++) {
            assertEquals(0, narrow.choose(logits, r, lp));
            assertEquals(Math.log(0.6), lp[0], 1e-6, "log-prob is of the untruncated distribution");
            counts[mid.choose(logits, r, lp)]++;
        }
        assertEquals(0, counts[2]);
        assertEquals(2.0, (double) counts[0] / counts[1], 0.3);
    }

    @Test
    void temperatureScalesLogProbs() {
        float[] logits = {2f, 0f};
        double[] lp = new double[1];
        TokenSampler hot = new TokenSampler(SamplingConfig.builder().temperature(2.0).topK(1).build(), 2);
        hot.choose(logits, new SplittableRandom(0), lp);
        assertEquals(1 - Math.log(Math.exp(1) + 1), lp[0], 1e-9);
    }

    @Test
    void configRejectsBadValues() {
        assertThrows(IllegalArgumentException.class, () -> SamplingConfig.builder().topP(0).build());
        assertThrows(IllegalArgumentException.class, () -> SamplingConfig.builder().temperature(-1).build());
        assertThrows(IllegalArgumentException.class, () -> SamplingConfig.builder().maxNewTokens(0).build());
        assertThrows(IllegalArgumentException.class, () -> SamplingConfig.builder().stopStrings(List.of("")).build());
    }

    @Test
    void chunksSampledOneByOneAssembleToTheWholeBatch() {
        // What a distributed engine relies on: chunk c depends only on its prompts and (seed, c), in any order.
        List<int[]> many = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            many.add(tok.encode("Q: " + i + "+" + (i * 3) + "\nA: "));
        }
        SamplingConfig c = SamplingConfig.builder().maxNewTokens(8).temperature(1.0).maxBatchSize(3).build();
        SampleBatch whole = sampler.sample(policy, many, c, 11);
        assertEquals(3, Sampler.chunks(many.size(), c));
        List<SampleBatch> parts = new java.util.ArrayList<>(java.util.Collections.nCopies(3, (SampleBatch) null));
        for (int k : new int[]{2, 0, 1}) {
            parts.set(k, new Sampler(tok).sampleChunk(policy, Sampler.chunkOf(many, c, k), c, 11, k));
        }
        SampleBatch assembled = Sampler.concat(parts);
        for (int i = 0; i < many.size(); i++) {
            assertArrayEquals(whole.responses()[i], assembled.responses()[i], "row " + i);
            assertArrayEquals(whole.logProbs()[i], assembled.logProbs()[i], "row " + i);
            assertEquals(whole.finished()[i], assembled.finished()[i], "row " + i);
        }
    }
}
