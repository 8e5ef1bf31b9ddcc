package io.dl4jrl.policy;

import io.dl4jrl.graphs.LlamaGraphBuilder;
import io.dl4jrl.graphs.Rope;
import io.dl4jrl.graphs.TransformerConfig;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static io.dl4jrl.graphs.LlamaNames.*;

/**
 * Batched prefill + KV-cache decoding of a Llama-family policy with direct ND4J ops on the graph's own weight
 * arrays, computing what {@link LlamaGraphBuilder}'s graph computes: keys are cached after their rotation (at
 * each sequence's own positions), with nKvHeads heads; the query heads that share a key/value head are grouped so
 * that grouped-query attention is one batched product per layer, without copying keys per query head.
 */
final class LlamaKvDecoder extends CachedDecoder {
    private final INDArray cosTable;
    private final INDArray sinTable;
    private final INDArray rotateHalf;

    LlamaKvDecoder(TransformerConfig config, SameDiff sd, int batch, int capacity) {
        super(config, sd, batch, capacity, EMBED);
        INDArray[] t = Rope.tables(config.contextLength(), config.headDim(), config.ropeTheta(), config.ropeScaling(), keys[0].dataType());
        this.cosTable = t[0];
        this.sinTable = t[1];
        this.rotateHalf = Rope.rotateHalfMatrix(config.headDim(), keys[0].dataType());
    }

    @Override
    protected INDArray forwardColumns(int[] flatTokens, int[] flatPositions, int n, int start, int end) {
        int d = config.dModel();
        int h = config.nHeads();
        int kvh = config.nKvHeads();
        int hd = config.headDim();
        int rep = h / kvh;
        INDArray x = Nd4j.pullRows(weight(EMBED), 1, flatTokens);                                   // [B*n, d]
        INDArray mask = attentionMask(start, n, end);                                               // [B, H, n, end]
        double scale = 1.0 / Math.sqrt(hd);
        // the new columns' rotations are the same in every layer: look them up once per call
        INDArray[] qRotation = rotation(flatPositions, h, n);
        INDArray[] kRotation = kvh == h ? qRotation : rotation(flatPositions, kvh, n);
        for (int l = 0; l < config.nLayers(); l++) {
            try (MemoryWorkspace layer = layerScope()) { // x is updated in place; the rest is freed here
                INDArray a = rmsNorm(x, inputNorm(l));
                INDArray q = rope(heads(linear(a, q(l), config.attentionBias() ? qBias(l) : null), h, n), qRotation);
                INDArray k = rope(heads(linear(a, k(l), config.attentionBias() ? kBias(l) : null), kvh, n), kRotation);
                INDArray v = heads(linear(a, v(l), config.attentionBias() ? vBias(l) : null), kvh, n);
                INDArray[] kv = cache(l, k, v, start, end);                                              // [B, KV, end, hd]
                // query heads j*rep .. j*rep+rep-1 share key/value head j: group them as rows of one product
                INDArray grouped = q.reshape(batch, kvh, rep * n, hd);
                INDArray scores = Nd4j.matmul(grouped, kv[0], false, true, false).reshape(batch, h, n, end).muli(scale).addi(mask);
                INDArray probs = Nd4j.exec(new SoftMax(scores, scores.ulike(), 3))[0];
                INDArray attended = Nd4j.matmul(probs.reshape(batch, kvh, rep * n, end), kv[1]).reshape(batch, h, n, hd)
                        .permute(0, 2, 1, 3).dup('c').reshape(batch * n, d);                               // [B*n, d]
                x.addi(linear(attended, o(l), null));

                INDArray m = rmsNorm(x, postNorm(l));
                INDArray gate = linear(m, gate(l), null);
                INDArray silu = gate.mul(Transforms.sigmoid(gate, true));
                x.addi(linear(silu.muli(linear(m, up(l), null)), down(l), null));
            }
        }
        INDArray last = rmsNorm(Nd4j.pullRows(x, 1, lastRows(n)), NORM);                             // [B, d]
        INDArray head = config.tieEmbeddings() ? weight(EMBED) : weight(LM_HEAD);
        return Nd4j.matmul(last, head, false, true, false);
    }

    /** x·Wᵀ (+ b), W stored [out, in]. */
    private INDArray linear(INDArray x, String w, String b) {
        INDArray y = Nd4j.matmul(x, weight(w), false, true, false);
        return b == null ? y : y.addiRowVector(weight(b));
    }

    /** [B*n, heads*hd] -> [B, heads, n, hd]. */
    private INDArray heads(INDArray x, int heads, int n) {
        return x.reshape(batch, n, heads, config.headDim()).permute(0, 2, 1, 3).dup('c');
    }

    /** cos and sin rows, [B*heads*n, hd], for row (b, head, i) of a flattened [B, heads, n, hd] array. */
    private INDArray[] rotation(int[] flatPositions, int heads, int n) {
        int[] rows = new int[batch * heads * n];
        for (int b = 0; b < batch; b++) {
            for (int head = 0; head < heads; head++) {
                for (int i = 0; i < n; i++) {
                    rows[(b * heads + head) * n + i] = flatPositions[b * n + i];
                }
            }
        }
        return new INDArray[]{Nd4j.pullRows(cosTable, 1, rows), Nd4j.pullRows(sinTable, 1, rows)};
    }

    /** Rotates [B, heads, n, hd] by each column's position: x·cos + (x·R)·sin. */
    private INDArray rope(INDArray x4, INDArray[] rotation) {
        long[] shape = x4.shape();
        INDArray flat = x4.reshape(-1, config.headDim());
        INDArray rotated = Nd4j.matmul(flat, rotateHalf).muli(rotation[1]);
        return flat.mul(rotation[0]).addi(rotated).reshape(shape);
    }

    private INDArray rmsNorm(INDArray x, String w) {
        double eps = config.layerNormEpsilon() > 0 ? config.layerNormEpsilon() : 1e-6;
        INDArray inv = Transforms.pow(x.mul(x).mean(true, 1).addi(eps), -0.5, false);
        return x.mulColumnVector(inv).muliRowVector(weight(w));
    }
}
