package io.dl4jrl.memory;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Exact k-nearest-neighbour search by cosine similarity over a fixed set of stored vectors, batched: all queries
 * of a rollout batch are answered by one {@code [B, d] × [d, N]} product of L2-normalised rows and a top-k per
 * query row. ND4J has no top-k op usable on M2.1's CPU backend without a SameDiff graph, so the per-row top-k
 * is a partial selection over the similarity row in Java (O(N·k) per query, no pairwise Java loops); k = 1 is an
 * ND4J argmax.
 */
public final class CosineKnn {
    private final INDArray unit; // [N, d], rows of unit length

    /** @param vectors {@code [N, d]} stored vectors (copied and normalised; a zero row stays zero and matches nothing) */
    public CosineKnn(INDArray vectors) {
        if (vectors.rank() != 2) {
            throw new IllegalArgumentException("vectors must be [N, d], got shape " + java.util.Arrays.toString(vectors.shape()));
        }
        this.unit = normalise(vectors.castTo(DataType.FLOAT).dup());
    }

    public long size() {
        return unit.rows();
    }

    /** Rows scaled to unit L2 norm (zero rows left at zero). */
    static INDArray normalise(INDArray m) {
        INDArray norms = m.norm2(1).reshape(m.rows(), 1);
        norms.addi(norms.eq(0).castTo(m.dataType())); // avoid 0/0
        return m.diviColumnVector(norms);
    }

    /** Cosine similarities {@code [B, N]} of every query row to every stored row. */
    public INDArray similarities(INDArray queries) {
        if (queries.columns() != unit.columns()) {
            throw new IllegalArgumentException("queries have width " + queries.columns() + ", stored vectors " + unit.columns());
        }
        return Nd4j.matmul(normalise(queries.castTo(DataType.FLOAT).dup()), unit, false, true, false);
    }

    /**
     * The {@code k} most similar stored rows of each query, most similar first.
     *
     * @return {@code indices[b][j]} and {@code similarities[b][j]}; fewer than k columns when fewer are stored
     */
    public Result query(INDArray queries, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int n = (int) size();
        int kk = Math.min(k, n);
        int b = (int) queries.rows();
        int[][] idx = new int[b][kk];
        float[][] sim = new float[b][kk];
        if (n == 0) {
            return new Result(idx, sim);
        }
        INDArray all = similarities(queries);
        if (kk == 1) {
            // The common case (the authors' k = 1) stays in ND4J: no [B, N] copy into Java.
            int[] best = all.argMax(1).toIntVector();
            float[] value = all.max(1).toFloatVector();
            for (int q = 0; q < b; q++) {
                idx[q][0] = best[q];
                sim[q][0] = value[q];
            }
            return new Result(idx, sim);
        }
        float[][] s = all.toFloatMatrix();
        for (int q = 0; q < b; q++) {
            topK(s[q], kk, idx[q], sim[q]);
        }
        return new Result(idx, sim);
    }

    /** Stored row {@code i}, unit length. */
    public INDArray row(int i) {
        return unit.get(NDArrayIndex.point(i), NDArrayIndex.all());
    }

    private static void topK(float[] row, int k, int[] idx, float[] sim) {
        java.util.Arrays.fill(sim, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(idx, -1);
        for (int i = 0; i < row.length; i++) {
            float v = row[i];
            if (v <= sim[k - 1]) {
                continue;
            }
            int pos = k - 1;
            while (pos > 0 && sim[pos - 1] < v) {
                sim[pos] = sim[pos - 1];
                idx[pos] = idx[pos - 1];
                pos--;
            }
            sim[pos] = v;
            idx[pos] = i;
        }
    }

    /** Top-k answer of a batch of queries. */
    public record Result(int[][] indices, float[][] similarities) {
    }
}
