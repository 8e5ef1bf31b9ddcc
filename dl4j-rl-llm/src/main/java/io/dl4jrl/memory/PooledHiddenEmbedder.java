package io.dl4jrl.memory;

import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.text.TokenIds;
import io.dl4jrl.train.OffHeapCollector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The default embedding (docs/algorithms.md): the policy's own last hidden states, mean-pooled over the prompt
 * tokens (question) and over the response tokens (reasoning), read by an inference pass (no gradient reaches the
 * policy through them). Rows are right-padded; causal attention keeps padding out of real positions. A row with an
 * empty response embeds as zeros, which matches nothing by cosine.
 */
public final class PooledHiddenEmbedder implements ResponseEmbedder {
    private final PolicyGraph graph;
    private final String hidden;
    private final int padId;
    private final int batchSize;
    private final OffHeapCollector collector = new OffHeapCollector();

    public PooledHiddenEmbedder(PolicyGraph graph, int padId, int batchSize) {
        this.graph = graph;
        this.hidden = graph.hidden().orElseThrow(() -> new IllegalArgumentException(
                "the policy graph exposes no hidden states; give the memory another ResponseEmbedder"));
        this.padId = padId;
        this.batchSize = batchSize;
    }

    @Override
    public Embeddings embed(List<int[]> prompts, int[][] responses) {
        int n = responses.length;
        float[][] q = null;
        float[][] r = null;
        List<int[]> sequences = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sequences.add(TokenIds.concat(prompts.get(i), responses[i]));
        }
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            int[][] ids = TokenIds.rightPadded(sequences, from, to, padId);
            int width = ids[0].length;
            INDArray h = graph.sameDiff().output(Map.of(graph.inputIds(), Nd4j.createFromArray(ids).castTo(DataType.INT32)), hidden)
                    .get(hidden).castTo(DataType.FLOAT); // [b, T, d]
            int d = (int) h.size(2);
            if (q == null) {
                q = new float[n][d];
                r = new float[n][d];
            }
            // Masks of prompt and response positions, then masked means as one batched matmul each: [b, 1, T] x [b, T, d].
            float[][][] pm = new float[to - from][1][width];
            float[][][] rm = new float[to - from][1][width];
            for (int i = from; i < to; i++) {
                int p = prompts.get(i).length;
                int l = responses[i].length;
                for (int t = 0; t < p; t++) pm[i - from][0][t] = 1f / p;
                for (int t = p; t < p + l; t++) rm[i - from][0][t] = 1f / l;
            }
            float[][] qm = Nd4j.matmul(Nd4j.createFromArray(pm), h).reshape(to - from, d).toFloatMatrix();
            float[][] rmOut = Nd4j.matmul(Nd4j.createFromArray(rm), h).reshape(to - from, d).toFloatMatrix();
            for (int i = from; i < to; i++) {
                q[i] = qm[i - from];
                r[i] = rmOut[i - from];
            }
            collector.afterWork();
        }
        return new Embeddings(Nd4j.createFromArray(q), Nd4j.createFromArray(r));
    }
}
