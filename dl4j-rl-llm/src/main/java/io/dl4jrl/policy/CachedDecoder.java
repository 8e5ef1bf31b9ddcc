package io.dl4jrl.policy;

import io.dl4jrl.graphs.TransformerConfig;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * What every direct-ND4J KV-cache decoder shares: prompts left-padded into one batch (padded key columns masked
 * out, positions counted from each sequence's first real token, so every sequence sees exactly what it would see
 * alone), stopped rows, the per-layer key/value caches ({@code [batch, kvHeads, capacity, headDim]}), the
 * attention mask, and ND4J workspaces ({@link SessionWorkspace}) reset and reused on every call and layer so that a
 * step's temporaries are not left for the garbage collector (without them off-heap memory grew until the OS killed the
 * process), freed with the session. Subclasses
 * compute the new columns' layers: {@link GptKvDecoder}, {@link LlamaKvDecoder}. They multiply with
 * {@code Nd4j.matmul} (libnd4j's matmul op) and never {@code INDArray.mmul}, which in M2.1 reached half the GEMM
 * speed (50 vs 93 GFLOP/s at n = 1024, one thread; {@code ./rl-llm bench --sections gemm} measures the op).
 */
abstract class CachedDecoder implements DecodeSession {
    static final double MASK = -1e9;
    protected final TransformerConfig config;
    protected final SameDiff sd;
    protected final int batch;
    protected final int capacity;
    protected final INDArray[] keys;
    protected final INDArray[] values;
    /** Additive key mask per sequence: 0 for real tokens, MASK for left padding. [batch, capacity]. */
    private final float[][] keyMask;
    private final int[] nextPosition;
    private int length;
    /** A call's temporaries, and one layer's nested inside it: see {@link SessionWorkspace}. */
    private final SessionWorkspace callWorkspace = new SessionWorkspace("KV_DECODE");
    private final SessionWorkspace layerWorkspace = new SessionWorkspace("KV_DECODE_LAYER");

    CachedDecoder(TransformerConfig config, SameDiff sd, int batch, int capacity, String embedding) {
        if (batch <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("batch and capacity must be positive, got " + batch + ", " + capacity);
        }
        this.config = config;
        this.sd = sd;
        this.batch = batch;
        this.capacity = capacity;
        this.keys = new INDArray[config.nLayers()];
        this.values = new INDArray[config.nLayers()];
        DataType dt = weight(embedding).dataType();
        for (int l = 0; l < config.nLayers(); l++) {
            // Uninitialised: a column is written before any view reads it (cache() stores [start, end), views cover [0, end)).
            keys[l] = Nd4j.createUninitialized(dt, batch, config.nKvHeads(), capacity, config.headDim());
            values[l] = Nd4j.createUninitialized(dt, batch, config.nKvHeads(), capacity, config.headDim());
        }
        this.keyMask = new float[batch][capacity];
        this.nextPosition = new int[batch];
    }

    @Override
    public INDArray prefill(int[][] prompts) {
        if (prompts.length != batch) {
            throw new IllegalArgumentException("expected " + batch + " prompts, got " + prompts.length);
        }
        if (length != 0) {
            throw new IllegalStateException("prefill must be the first call of a session");
        }
        int width = 0;
        for (int[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("prompts must not be empty");
            }
            width = Math.max(width, p.length);
        }
        int[][] tokens = new int[batch][width];
        int[][] positions = new int[batch][width];
        for (int b = 0; b < batch; b++) {
            int pad = width - prompts[b].length;
            for (int t = 0; t < width; t++) {
                if (t < pad) {
                    keyMask[b][t] = (float) MASK;
                } else {
                    tokens[b][t] = prompts[b][t - pad];
                    positions[b][t] = t - pad;
                }
            }
            nextPosition[b] = prompts[b].length;
        }
        return forward(tokens, positions, width);
    }

    @Override
    public void close() {
        layerWorkspace.close();
        callWorkspace.close();
        for (int l = 0; l < keys.length; l++) {
            keys[l].close();
            values[l].close();
        }
    }

    @Override
    public INDArray step(int[] tokens) {
        if (length == 0) {
            throw new IllegalStateException("prefill before step");
        }
        int[][] t = new int[batch][1];
        int[][] p = new int[batch][1];
        for (int b = 0; b < batch; b++) {
            if (tokens[b] == STOPPED) {
                // The batch still fills a cache slot for a stopped row (it attends only to itself; its logits are
                // ignored): any token at its current position, which does not advance, so it never passes the context.
                t[b][0] = 0;
                p[b][0] = Math.min(nextPosition[b], config.contextLength() - 1);
            } else {
                t[b][0] = tokens[b];
                p[b][0] = nextPosition[b]++;
            }
        }
        return forward(t, p, 1);
    }

    /** Runs {@code n} new columns for every sequence; returns logits of the last column, [batch, vocab]. */
    private INDArray forward(int[][] tokens, int[][] positions, int n) {
        int start = length;
        int end = length + n;
        if (end > capacity) {
            throw new IllegalStateException("session capacity " + capacity + " exceeded");
        }
        int[] flatTokens = new int[batch * n];
        int[] flatPositions = new int[batch * n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                if (positions[b][i] >= config.contextLength()) {
                    throw new IllegalStateException("sequence " + b + " exceeds the context length " + config.contextLength());
                }
                flatTokens[b * n + i] = tokens[b][i];
                flatPositions[b * n + i] = positions[b][i];
            }
        }
        try (MemoryWorkspace ws = callWorkspace.open()) {
            INDArray logits = forwardColumns(flatTokens, flatPositions, n, start, end).detach();
            length = end;
            return logits;
        }
    }

    /**
     * The layers over the new columns (rows {@code b * n + i} of the flat arrays), writing each layer's new keys and
     * values with {@link #cache}; returns the next-token logits at each sequence's last new column, [batch, vocab].
     */
    protected abstract INDArray forwardColumns(int[] flatTokens, int[] flatPositions, int n, int start, int end);

    /**
     * Stores columns [start, end) of layer l's keys and values ([B, kvHeads, n, hd]) in place; returns views of all
     * columns so far. Views, not copies: each [end, hd] matrix of a view is an ordinary strided matrix that libnd4j's
     * matmul reads in place, where a copy of the prefix cost 2.5 ms per layer and step at [64, 4, 125, 32].
     */
    protected INDArray[] cache(int l, INDArray k, INDArray v, int start, int end) {
        keys[l].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, end), NDArrayIndex.all()).assign(k);
        values[l].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, end), NDArrayIndex.all()).assign(v);
        return new INDArray[]{
                keys[l].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, end), NDArrayIndex.all()),
                values[l].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, end), NDArrayIndex.all())};
    }

    /**
     * Opens the scope of one layer's temporaries (close it at the end of the layer), a workspace nested in the call's
     * with the same policies. Arrays created inside are invalid after it closes: a layer's only result is what it adds
     * in place to the residual stream, which lives outside. Why: a workspace frees nothing before it closes, so with
     * the call's workspace alone a prefill held every layer's temporaries at once; at GPT-2-small, 64 prompts of ~90
     * tokens, about 350 MB a layer, 4.2 GB in all, the peak of a whole GRPO iteration. Its buffer is reused by every
     * layer of every call.
     */
    protected MemoryWorkspace layerScope() {
        return layerWorkspace.open();
    }

    /** Rows of the flat [B*n, ...] arrays holding each sequence's last new column. */
    protected int[] lastRows(int n) {
        int[] rows = new int[batch];
        for (int b = 0; b < batch; b++) {
            rows[b] = b * n + n - 1;
        }
        return rows;
    }

    /** Padding mask plus the causal mask among the n new columns, repeated over heads: [B, H, n, end]. */
    protected INDArray attentionMask(int start, int n, int end) {
        float[] m = new float[batch * n * end];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                int row = (b * n + i) * end;
                for (int j = 0; j < end; j++) {
                    m[row + j] = j > start + i ? (float) MASK : keyMask[b][j];
                }
            }
        }
        INDArray perSequence = Nd4j.createFromArray(m).reshape(batch, 1, n, end);
        INDArray full = Nd4j.create(DataType.FLOAT, batch, config.nHeads(), n, end);
        for (int head = 0; head < config.nHeads(); head++) {
            full.get(NDArrayIndex.all(), NDArrayIndex.point(head), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(perSequence.reshape(batch, n, end));
        }
        return full.castTo(keys[0].dataType());
    }

    protected INDArray weight(String name) {
        INDArray arr = sd.getArrForVarName(name);
        if (arr == null) {
            throw new IllegalStateException("policy graph has no weight '" + name + "'");
        }
        return arr;
    }
}
