package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


import static io.dl4jrl.graphs.LlamaNames.*;

/**
 * Builds a Llama-family causal decoder (Touvron et al., 2023; Qwen2 with {@code attentionBias}) as a SameDiff
 * graph with the same {@link PolicyGraph} contract as {@link GptGraphBuilder}: token embedding, pre-norm blocks of
 * RMSNorm, causal self-attention with rotary position embeddings and grouped-query attention (each key/value
 * head serves nHeads/nKvHeads query heads, as Hugging Face's repeat_kv), RMSNorm, a SwiGLU MLP
 * (down(silu(gate(x)) · up(x))), a final RMSNorm and an LM head (tied or not). Weights keep Hugging Face's names
 * and {@code [out, in]} layout ({@link LlamaNames}).
 *
 * <p>The residual stream is a 2-D {@code [batch*time, d_model]} matrix as in the GPT builder; the token embedding
 * is an {@link EmbeddingRows} lookup as there. Rotations are x·cos + (x·R)·sin with the constant rotate-half
 * matrix R ({@link Rope}), tables sliced to the sequence length.
 */
public final class LlamaGraphBuilder extends DecoderGraphBuilder {
    public LlamaGraphBuilder(TransformerConfig config) {
        this(config, DataType.FLOAT);
    }

    public LlamaGraphBuilder(TransformerConfig config, DataType dataType) {
        super(config, dataType, Architecture.LLAMA);
    }

    @Override
    protected PolicyGraph buildInto(SameDiff sd) {
        int d = config.dModel();
        int hd = config.headDim();
        SDVariable ids = sd.placeHolder(PolicyGraph.INPUT_IDS, DataType.INT32, -1, -1);
        SDVariable embed = normalVar(sd, EMBED, config.initStd(), config.vocabSize(), d);

        SDVariable batchAndTime = sd.slice(sd.shape(ids).castTo(DataType.INT64), new int[]{0}, 2); // [B, T]
        SDVariable time = sd.sizeAt(ids, 1).castTo(DataType.INT32);
        SDVariable positions = sd.range(sd.constant(0).castTo(DataType.INT32), time, sd.constant(1).castTo(DataType.INT32), DataType.INT32);

        SDVariable x = EmbeddingRows.lookup(sd, embed, ids);                                 // [B*T, d]

        SDVariable causalMask = fullCausalMask(sd, positions, batchAndTime, config.nHeads()); // [B, H, T, T]
        SDVariable ones = config.attentionBias() ? rowOnes(sd, batchAndTime) : null;        // [B*T, 1], spreads Qwen2's biases

        INDArray[] tables = Rope.tables(config.contextLength(), hd, config.ropeTheta(), config.ropeScaling(), dataType);
        SDVariable rows = sd.concat(0, sd.reshape(time, 1), sd.constant(Nd4j.createFromArray(hd)));
        SDVariable begin = sd.constant(Nd4j.createFromArray(0, 0));
        SDVariable cos = sd.slice(sd.constant("rope_cos", tables[0]), begin, rows);          // [T, hd]
        SDVariable sin = sd.slice(sd.constant("rope_sin", tables[1]), begin, rows);
        SDVariable rotateHalf = sd.constant("rope_rotate_half", Rope.rotateHalfMatrix(hd, dataType));

        // The tables at full query and key shape, built once for all layers. Why: x·cos with cos [T, hd] broadcast onto
        // [B, H, T, hd] differentiates through M2.1's broadcasting multiply_bp, which reduces the (unneeded) cos gradient
        // over B and H at about 25 ns an element: 0.55 s of a 4.5 s step at 512x6, 32x93. Broadcast from a shape (an
        // integer input, so no gradient flows into it), the rotation's multiplies have equal shapes and a cheap backward.
        SDVariable[] queryTables = fullShape(sd, batchAndTime, config.nHeads(), cos, sin);
        SDVariable[] keyTables = fullShape(sd, batchAndTime, config.nKvHeads(), cos, sin);
        for (int l = 0; l < config.nLayers(); l++) {
            x = block(sd, x, l, batchAndTime, causalMask, queryTables, keyTables, rotateHalf, ones);
        }
        SDVariable normed = rmsNorm(sd, x, NORM);
        sd.reshape(PolicyGraph.HIDDEN, normed, withLast(sd, batchAndTime, d));
        SDVariable head = config.tieEmbeddings() ? embed : normalVar(sd, LM_HEAD, config.initStd(), config.vocabSize(), d);
        SDVariable logits2d = sd.mmul(normed, head, false, true, false);                    // [B*T, V]
        sd.reshape(PolicyGraph.LOGITS, logits2d, withLast(sd, batchAndTime, config.vocabSize()));
        return PolicyGraph.of(sd, PolicyGraph.INPUT_IDS, PolicyGraph.LOGITS, PolicyGraph.HIDDEN).withHeadWeight(head.name());
    }

    private SDVariable block(SameDiff sd, SDVariable x, int l, SDVariable batchAndTime, SDVariable causalMask,
                             SDVariable[] queryTables, SDVariable[] keyTables, SDVariable rotateHalf, SDVariable ones) {
        int d = config.dModel();
        int kv = config.kvDim();
        double residualStd = config.initStd() / Math.sqrt(2.0 * config.nLayers());
        SDVariable h = rmsNorm(sd, x, inputNorm(l));
        SDVariable q = linear(sd, h, q(l), config.attentionBias() ? qBias(l) : null, d, d, config.initStd(), ones);
        SDVariable k = linear(sd, h, k(l), config.attentionBias() ? kBias(l) : null, d, kv, config.initStd(), ones);
        SDVariable v = linear(sd, h, v(l), config.attentionBias() ? vBias(l) : null, d, kv, config.initStd(), ones);
        SDVariable q4 = rotate(sd, splitHeads(sd, q, batchAndTime, config.nHeads()), queryTables, rotateHalf);
        SDVariable k4 = rotate(sd, splitHeads(sd, k, batchAndTime, config.nKvHeads()), keyTables, rotateHalf); // [B, KV, T, hd]
        SDVariable v4 = splitHeads(sd, v, batchAndTime, config.nKvHeads());
        // Grouped-query attention without repeating keys and values: query head h = j·rep + r belongs to key/value head j
        // (Hugging Face's repeat_kv order), so viewing q as [B, KV, rep·T, hd] puts each group's queries against its
        // own keys in one batched matmul. Same numbers as repeating K and V, without the copies and without M2.1's
        // tile_bp, which took more time than all forward matmuls together (1.3 s of a 7 s step at 512x6, 32x93).
        SDVariable qGrouped = sd.reshape(q4, dims(sd, batchAndTime, config.nKvHeads(), -1, config.headDim()));
        SDVariable scores = sd.reshape(sd.mmul(qGrouped, k4, false, true, false), dims(sd, batchAndTime, config.nHeads(), -1, 0))
                .mul(1.0 / Math.sqrt(config.headDim()));                                      // [B, H, T, T]
        SDVariable weights = sd.nn.softmax(scores.add(causalMask), 3);
        SDVariable weightsGrouped = sd.reshape(weights, dims(sd, batchAndTime, config.nKvHeads(), -1, 0));
        SDVariable heads = sd.reshape(sd.mmul(weightsGrouped, v4), dims(sd, batchAndTime, config.nHeads(), -1, config.headDim()));
        SDVariable attended = sd.reshape(sd.permute(heads, 0, 2, 1, 3), -1, d);              // [B*T, d]
        x = x.add(linear(sd, attended, o(l), null, d, d, residualStd, null));

        SDVariable m = rmsNorm(sd, x, postNorm(l));
        SDVariable gate = sd.nn.swish(linear(sd, m, gate(l), null, d, config.mlpDim(), config.initStd(), null));
        SDVariable up = linear(sd, m, up(l), null, d, config.mlpDim(), config.initStd(), null);
        return x.add(linear(sd, gate.mul(up), down(l), null, config.mlpDim(), d, residualStd, null));
    }

    /** x·cos + rotate_half(x)·sin on [B, H, T, hd], with {@code tables} = {cos, sin} of that shape. */
    private SDVariable rotate(SameDiff sd, SDVariable x4, SDVariable[] tables, SDVariable rotateHalf) {
        int hd = config.headDim();
        SDVariable rotated = sd.reshape(sd.mmul(sd.reshape(x4, -1, hd), rotateHalf), sd.shape(x4));
        return x4.mul(tables[0]).add(rotated.mul(tables[1]));
    }

    /** {cos, sin} [T, hd] broadcast to [B, heads, T, hd]. */
    private SDVariable[] fullShape(SameDiff sd, SDVariable batchAndTime, int heads, SDVariable cos, SDVariable sin) {
        SDVariable shape = sd.concat(0, sd.slice(batchAndTime, new int[]{0}, 1), sd.constant(Nd4j.createFromArray((long) heads)),
                sd.slice(batchAndTime, new int[]{1}, 1), sd.constant(Nd4j.createFromArray((long) config.headDim())));
        SDVariable ones = sd.fill(shape, dataType, 1.0);
        return new SDVariable[]{ones.mul(cos), ones.mul(sin)};
    }

    /** The shape [B, a, b, c] with B from {@code batchAndTime}; a c of 0 means T; -1 is left for reshape to infer. */
    private static SDVariable dims(SameDiff sd, SDVariable batchAndTime, long a, long b, long c) {
        SDVariable batch = sd.slice(batchAndTime, new int[]{0}, 1);
        SDVariable last = c == 0 ? sd.slice(batchAndTime, new int[]{1}, 1) : sd.constant(Nd4j.createFromArray(c));
        return sd.concat(0, batch, sd.constant(Nd4j.createFromArray(a, b)), last);
    }

    /** [B*T, heads*hd] -> [B, heads, T, hd]. */
    private SDVariable splitHeads(SameDiff sd, SDVariable x, SDVariable batchAndTime, int heads) {
        SDVariable shape = sd.concat(0, batchAndTime, sd.constant(Nd4j.createFromArray((long) heads, (long) config.headDim())));
        return sd.permute(sd.reshape(x, shape), 0, 2, 1, 3);
    }

    /** x / sqrt(mean(x²) + ε) · w, over the last axis. */
    private SDVariable rmsNorm(SameDiff sd, SDVariable x, String weightName) {
        SDVariable w = sd.var(weightName, Nd4j.ones(dataType, config.dModel()));
        double eps = config.layerNormEpsilon() > 0 ? config.layerNormEpsilon() : 1e-6;
        SDVariable inverseRms = sd.math.rsqrt(x.mul(x).mean(true, 1).add(eps));            // [N, 1]
        // x · (r ⊗ w): the scale as an outer product [N,1]x[1,d], so that both broadcasts (r over columns, w over rows)
        // are differentiated by matmul's backward (two matrix-vector products) instead of M2.1's broadcasting
        // multiply_bp, which took 0.85 s of a 4.5 s step at 512x6, 32x93.
        return x.mul(sd.mmul(inverseRms, sd.reshape(w, 1, config.dModel())));
    }

    /** x·Wᵀ + b with W stored [out, in], as PyTorch's Linear. */
    private SDVariable linear(SameDiff sd, SDVariable x, String wName, String bName, int in, int out, double std, SDVariable ones) {
        SDVariable w = normalVar(sd, wName, std, out, in);
        SDVariable y = sd.mmul(x, w, false, true, false);
        return bName == null ? y : addBias(sd, y, sd.var(bName, Nd4j.zeros(dataType, out)), ones);
    }

}
