package io.dl4jrl.sampling;

import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.policy.DecodeSession;
import io.dl4jrl.text.Tokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched autoregressive sampling: prefill all prompts, then one decode step per token for the whole
 * batch, until every sequence has emitted end-of-sequence, hit a stop string or used its token budget.
 * The same seed, prompts and weights give the same responses.
 */
public final class Sampler {
    private final Tokenizer tokenizer;

    public Sampler(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public SampleBatch sample(CausalLm model, List<int[]> prompts, SamplingConfig config, long seed) {
        int n = prompts.size();
        List<SampleBatch> parts = new java.util.ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (int c = 0; c < chunks(n, config); c++) {
            parts.add(sampleChunk(model, chunkOf(prompts, config, c), config, random.split()));
        }
        return concat(parts);
    }

    /**
     * The number of chunks {@link #sample} decodes {@code n} prompts in: runs of {@link SamplingConfig#maxBatchSize()},
     * the last one shorter. A chunk is the unit a distributed engine ships to a worker: its responses depend only on
     * the weights, its own prompts and {@link #chunkRandom}, so chunks sampled anywhere assemble to {@link #sample}'s
     * result exactly.
     */
    public static int chunks(int n, SamplingConfig config) {
        return (n + config.maxBatchSize() - 1) / config.maxBatchSize();
    }

    /** Chunk {@code c}'s prompts. */
    public static List<int[]> chunkOf(List<int[]> prompts, SamplingConfig config, int c) {
        int from = c * config.maxBatchSize();
        return prompts.subList(from, Math.min(prompts.size(), from + config.maxBatchSize()));
    }

    /** Chunk {@code c}'s random stream: the (c+1)-th split of the batch's generator, as {@link #sample} draws them. */
    public static SplittableRandom chunkRandom(long seed, int c) {
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom chunk = root.split();
        for (int i = 0; i < c; i++) {
            chunk = root.split();
        }
        return chunk;
    }

    /** Chunk {@code c} of a {@link #sample} call with {@code seed}, given that chunk's prompts. */
    public SampleBatch sampleChunk(CausalLm model, List<int[]> chunkPrompts, SamplingConfig config, long seed, int c) {
        return sampleChunk(model, chunkPrompts, config, chunkRandom(seed, c));
    }

    /** The chunks' batches, in order, as one. */
    public static SampleBatch concat(List<SampleBatch> parts) {
        int n = parts.stream().mapToInt(SampleBatch::size).sum();
        int[][] prompts = new int[n][];
        int[][] responses = new int[n][];
        float[][] logProbs = new float[n][];
        boolean[] finished = new boolean[n];
        int at = 0;
        for (SampleBatch b : parts) {
            for (int i = 0; i < b.size(); i++, at++) {
                prompts[at] = b.prompts()[i];
                responses[at] = b.responses()[i];
                logProbs[at] = b.logProbs()[i];
                finished[at] = b.finished()[i];
            }
        }
        return new SampleBatch(prompts, responses, logProbs, finished);
    }

    private SampleBatch sampleChunk(CausalLm model, List<int[]> prompts, SamplingConfig config, SplittableRandom random) {
        int b = prompts.size();
        int[][] responses = new int[b][];
        float[][] logProbs = new float[b][];
        boolean[] finished = new boolean[b];
        sampleChunk(model, prompts, config, random, 0, responses, logProbs, finished);
        return new SampleBatch(prompts.toArray(new int[0][]), responses, logProbs, finished);
    }

    private void sampleChunk(CausalLm model, List<int[]> prompts, SamplingConfig config, SplittableRandom random,
                             int offset, int[][] responses, float[][] logProbs, boolean[] finished) {
        int b = prompts.size();
        int longestPrompt = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        // Each row gets its own budget: a long prompt in the chunk must not cut the others' responses short.
        int[] rowBudget = new int[b];
        int budget = 0;
        for (int i = 0; i < b; i++) {
            rowBudget[i] = Math.min(config.maxNewTokens(), model.contextLength() - prompts.get(i).length);
            if (rowBudget[i] <= 0) {
                throw new IllegalArgumentException("a prompt of " + prompts.get(i).length + " tokens leaves no room in the context of "
                        + model.contextLength() + " tokens");
            }
            budget = Math.max(budget, rowBudget[i]);
        }
        try (DecodeSession session = model.openSession(b, longestPrompt + budget, config.useKvCache())) {
            decode(session, model.vocabSize(), prompts, config, random, rowBudget, budget, offset, responses, logProbs, finished);
        }
    }

    private void decode(DecodeSession session, int vocabSize, List<int[]> prompts, SamplingConfig config, SplittableRandom random,
                        int[] rowBudget, int budget, int offset, int[][] responses, float[][] logProbs, boolean[] finished) {
        int b = prompts.size();
        TokenSampler chooser = new TokenSampler(config, vocabSize);
        int[][] out = new int[b][budget];
        float[][] lp = new float[b][budget];
        int[] len = new int[b];
        boolean[] done = new boolean[b];
        int maxStop = config.stopStrings().stream().mapToInt(String::length).max().orElse(0);
        double[] logProb = new double[1];

        INDArray logits = session.prefill(prompts.toArray(new int[0][]));
        float[][] rows = null;
        for (int step = 0; step < budget; step++) {
            rows = readRows(logits, rows);
            logits.close(); // ours (DecodeSession): 13 MB a step at batch 64 and GPT-2's vocabulary
            int[] next = new int[b];
            boolean allDone = true;
            for (int i = 0; i < b; i++) {
                if (done[i] || len[i] >= rowBudget[i]) {
                    next[i] = DecodeSession.STOPPED;
                    continue;
                }
                int token = chooser.choose(rows[i], random, logProb);
                next[i] = token;
                out[i][len[i]] = token;
                lp[i][len[i]] = (float) logProb[0];
                len[i]++;
                done[i] = token == tokenizer.eosId() || endsWithStop(out[i], len[i], config.stopStrings(), maxStop);
                allDone &= done[i] || len[i] >= rowBudget[i];
            }
            if (allDone || step == budget - 1) {
                break;
            }
            logits = session.step(next);
        }
        for (int i = 0; i < b; i++) {
            responses[offset + i] = Arrays.copyOf(out[i], len[i]);
            logProbs[offset + i] = Arrays.copyOf(lp[i], len[i]);
            finished[offset + i] = done[i];
        }
    }

    /**
     * The logits {@code [batch, vocab]} as Java rows, copied into {@code reuse} when it fits: the same rows every step,
     * where {@code toFloatMatrix} made 13 MB of garbage a step at batch 64 and GPT-2's vocabulary.
     */
    private static float[][] readRows(INDArray logits, float[][] reuse) {
        int b = (int) logits.size(0);
        int v = (int) logits.size(1);
        if (logits.dataType() != DataType.FLOAT || logits.ordering() != 'c' || logits.isView() || logits.offset() != 0) {
            return logits.toFloatMatrix();
        }
        float[][] rows = reuse != null && reuse.length == b && reuse[0].length == v ? reuse : new float[b][v];
        java.nio.FloatBuffer data = logits.data().asNioFloat();
        for (int i = 0; i < b; i++) {
            data.position(i * v);
            data.get(rows[i], 0, v);
        }
        return rows;
    }

    private boolean endsWithStop(int[] tokens, int len, List<String> stops, int maxStop) {
        if (stops.isEmpty()) {
            return false;
        }
        String tail = tokenizer.decode(tokens, Math.max(0, len - maxStop), len);
        for (String s : stops) {
            if (tail.endsWith(s)) {
                return true;
            }
        }
        return false;
    }
}
