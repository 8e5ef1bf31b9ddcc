package io.dl4jrl.policy;

import io.dl4jrl.graphs.GptGraphBuilder;
import io.dl4jrl.graphs.Activation;
import io.dl4jrl.graphs.TransformerConfig;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LayerNorm;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static io.dl4jrl.graphs.GptNames.*;

/**
 * Batched prefill + KV-cache decoding of the GPT policy with direct ND4J ops on the SameDiff graph's own
 * weight arrays. It computes exactly what {@link GptGraphBuilder}'s graph computes, with the same libnd4j
 * ops (layer_norm, softmax, gelu), but per call it runs only the new positions against cached keys and
 * values, and pays ND4J's per-op cost once per step for the whole batch instead of SameDiff's per-call
 * overhead (see ../shared/stack-notes.md: a SameDiff call per token is hopeless).
 *
 * <p>Prompts of different lengths are left-padded: padded key columns are masked out and positions count
 * from each sequence's first real token, so every sequence sees exactly what it would see alone.
 *
 * <p>Every temporary of a step lives in an ND4J workspace that is reset and reused on the next step; only
 * the returned logits are detached. Without it each step allocates dozens of off-heap arrays that are freed
 * only when the garbage collector happens to run, which cost most of the step time in allocation and page
 * faults and let off-heap memory grow until the OS killed the process.
 */
final class GptKvDecoder implements DecodeSession {
    private static final double MASK = -1e9;
    private static final String WORKSPACE = "GPT_KV_DECODE";
    private static final WorkspaceConfiguration WORKSPACE_CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.5)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private final TransformerConfig config;
    private final SameDiff sd;
    private final int batch;
    private final int capacity;
    private final INDArray[] keys;
    private final INDArray[] values;
    /** Additive key mask per sequence: 0 for real tokens, MASK for left padding. [batch, capacity]. */
    private final float[][] keyMask;
    private final int[] nextPosition;
    private int length;

    GptKvDecoder(TransformerConfig config, SameDiff sd, int batch, int capacity) {
        if (batch <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("batch and capacity must be positive, got " + batch + ", " + capacity);
        }
        this.config = config;
        this.sd = sd;
        this.batch = batch;
        this.capacity = capacity;
        this.keys = new INDArray[config.nLayers()];
        this.values = new INDArray[config.nLayers()];
        DataType dt = weight(WTE).dataType();
        for (int l = 0; l < config.nLayers(); l++) {
            keys[l] = Nd4j.create(dt, batch, config.nHeads(), capacity, config.headDim());
            values[l] = Nd4j.create(dt, batch, config.nHeads(), capacity, config.headDim());
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
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE_CONFIG, WORKSPACE)) {
            return forwardInWorkspace(tokens, positions, n).detach();
        }
    }

    private INDArray forwardInWorkspace(int[][] tokens, int[][] positions, int n) {
        int start = length;
        int end = length + n;
        if (end > capacity) {
            throw new IllegalStateException("session capacity " + capacity + " exceeded");
        }
        int d = config.dModel();
        int h = config.nHeads();
        int hd = config.headDim();
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
        INDArray x = Nd4j.pullRows(weight(WTE), 1, flatTokens).addi(Nd4j.pullRows(weight(WPE), 1, flatPositions)); // [B*n, d]
        INDArray mask = attentionMask(start, n, end);                                                               // [B, H, n, end]
        double scale = 1.0 / Math.sqrt(hd);

        for (int l = 0; l < config.nLayers(); l++) {
            INDArray a = layerNorm(x, ln1Gain(l), ln1Bias(l));
            INDArray qkv = a.mmul(weight(attnW(l))).addiRowVector(weight(attnB(l)));                                 // [B*n, 3d]
            INDArray q = heads(qkv, 0, n);
            INDArray k = heads(qkv, d, n);
            INDArray v = heads(qkv, 2 * d, n);
            keys[l].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, end), NDArrayIndex.all()).assign(k);
            values[l].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, end), NDArrayIndex.all()).assign(v);
            INDArray kAll = keys[l].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, end), NDArrayIndex.all()).dup();
            INDArray vAll = values[l].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, end), NDArrayIndex.all()).dup();
            INDArray scores = Nd4j.matmul(q, kAll, false, true, false).muli(scale).addi(mask);                      // [B, H, n, end]
            INDArray probs = Nd4j.exec(new SoftMax(scores, scores.ulike(), 3))[0];
            INDArray attended = Nd4j.matmul(probs, vAll).permute(0, 2, 1, 3).dup('c').reshape(batch * n, d);        // [B*n, d]
            x.addi(attended.mmul(weight(attnProjW(l))).addiRowVector(weight(attnProjB(l))));

            INDArray m = layerNorm(x, ln2Gain(l), ln2Bias(l));
            INDArray up = m.mmul(weight(mlpFcW(l))).addiRowVector(weight(mlpFcB(l)));
            up = activation(up);
            x.addi(up.mmul(weight(mlpProjW(l))).addiRowVector(weight(mlpProjB(l))));
        }
        length = end;
        int[] lastRows = new int[batch];
        for (int b = 0; b < batch; b++) {
            lastRows[b] = b * n + n - 1;
        }
        INDArray last = layerNorm(Nd4j.pullRows(x, 1, lastRows), LN_F_GAIN, LN_F_BIAS);                            // [B, d]
        INDArray head = config.tieEmbeddings() ? weight(WTE) : weight(LM_HEAD);
        return last.mmul(head.transpose());                                                                          // [B, V]
    }

    /** Columns [offset, offset+d) of a [B*n, 3d] matrix as [B, H, n, hd]. */
    private INDArray heads(INDArray qkv, int offset, int n) {
        INDArray part = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + config.dModel())).dup('c');
        return part.reshape(batch, n, config.nHeads(), config.headDim()).permute(0, 2, 1, 3).dup('c');
    }

    /** Padding mask plus the causal mask among the n new columns, repeated over heads: [B, H, n, end]. */
    private INDArray attentionMask(int start, int n, int end) {
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
        return full.castTo(weight(WTE).dataType());
    }

    private INDArray layerNorm(INDArray x, String gain, String bias) {
        if (config.layerNormEpsilon() == 0) {
            return Nd4j.exec(new LayerNorm(x, weight(gain), weight(bias), x.ulike(), false, 1))[0];
        }
        INDArray centred = x.subColumnVector(x.mean(true, 1));
        INDArray std = org.nd4j.linalg.ops.transforms.Transforms.sqrt(centred.mul(centred).mean(true, 1).addi(config.layerNormEpsilon()), false);
        return centred.diviColumnVector(std).muliRowVector(weight(gain)).addiRowVector(weight(bias));
    }

    private INDArray weight(String name) {
        INDArray arr = sd.getArrForVarName(name);
        if (arr == null) {
            throw new IllegalStateException("policy graph has no weight '" + name + "'");
        }
        return arr;
    }

    /** The graph's activation (GptGraphBuilder), in place where it can be. */
    private INDArray activation(INDArray x) {
        if (config.activation() == Activation.GELU_SIGMOID) {
            return Nd4j.exec(new GELU(x, x.ulike()));
        }
        INDArray inner = x.mul(x).muli(x).muli(Activation.CUBIC).addi(x).muli(Activation.SQRT_2_OVER_PI);
        return org.nd4j.linalg.ops.transforms.Transforms.tanh(inner, false).addi(1.0).muli(x).muli(0.5);
    }
}
