package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;


import static io.dl4jrl.graphs.GptNames.*;

/**
 * Builds a GPT-style causal decoder as a SameDiff graph: token + learned position embeddings, pre-norm
 * blocks of causal multi-head self-attention and a GELU MLP, a final layer norm and an LM head (tied to
 * the token embedding by default). Read top to bottom it is the model, as in nanoGPT's model.py.
 *
 * <p>The residual stream is kept as a 2-D {@code [batch*time, d_model]} matrix so every projection is one
 * plain GEMM; only attention reshapes to {@code [batch, heads, time, head_dim]}. Sequence length is
 * dynamic (taken from the input ids), so a batch is padded only to its own longest row.
 *
 * <p>Initialisation (GPT-2): weights ~ N(0, initStd), residual output projections scaled by
 * 1/sqrt(2·nLayers), biases 0, norm gains 1; drawn from a {@code SplittableRandom} seeded by the config so
 * a model is reproducible independent of ND4J's global RNG.
 */
public final class GptGraphBuilder extends DecoderGraphBuilder {
    public GptGraphBuilder(TransformerConfig config) {
        this(config, DataType.FLOAT);
    }

    /** @param dataType FLOAT for training; DOUBLE for finite-difference gradient checks */
    public GptGraphBuilder(TransformerConfig config, DataType dataType) {
        super(config, dataType, Architecture.GPT2);
    }

    @Override
    protected PolicyGraph buildInto(SameDiff sd) {
        int d = config.dModel();
        SDVariable ids = sd.placeHolder(PolicyGraph.INPUT_IDS, DataType.INT32, -1, -1);

        SDVariable wte = normalVar(sd, WTE, config.initStd(), config.vocabSize(), d);
        SDVariable wpe = normalVar(sd, WPE, config.initStd(), config.contextLength(), d);

        SDVariable batchAndTime = sd.slice(sd.shape(ids).castTo(DataType.INT64), new int[]{0}, 2); // [B, T]
        SDVariable time = sd.sizeAt(ids, 1).castTo(DataType.INT32);
        SDVariable positions = sd.range(sd.constant(0).castTo(DataType.INT32), time,
                sd.constant(1).castTo(DataType.INT32), DataType.INT32);

        // A row lookup with a scatter-add gradient (EmbeddingRows), not a one-hot product: the one-hot matrix is
        // [B*T, V] (206 MB at 8x128 tokens and GPT-2's 50257) and its product costs as many FLOPs as the LM head.
        SDVariable tokEmb = EmbeddingRows.lookup(sd, wte, ids);              // [B*T, d]
        SDVariable posEmb = sd.slice(wpe, sd.constant(Nd4j.createFromArray(0, 0)),
                sd.concat(0, sd.reshape(time, 1), sd.constant(Nd4j.createFromArray(d))));  // [T, d]
        SDVariable x = sd.reshape(sd.reshape(tokEmb, withLast(sd, batchAndTime, d)).add(posEmb), -1, d); // [B*T, d]

        SDVariable causalMask = fullCausalMask(sd, positions, batchAndTime, config.nHeads()); // [B, H, T, T]: 0 or MASK_VALUE
        SDVariable ones = rowOnes(sd, batchAndTime);                          // [B*T, 1], spreads the biases
        for (int l = 0; l < config.nLayers(); l++) {
            x = block(sd, x, l, batchAndTime, causalMask, ones);
        }
        SDVariable normed = layerNorm(sd, x, LN_F_GAIN, LN_F_BIAS, ones);
        SDVariable hidden = sd.reshape(PolicyGraph.HIDDEN, normed, withLast(sd, batchAndTime, d));
        SDVariable head = config.tieEmbeddings() ? wte : normalVar(sd, LM_HEAD, config.initStd(), config.vocabSize(), d);
        SDVariable logits2d = sd.mmul(normed, head, false, true, false);    // [B*T, V]
        sd.reshape(PolicyGraph.LOGITS, logits2d, withLast(sd, batchAndTime, config.vocabSize()));
        return PolicyGraph.of(sd, PolicyGraph.INPUT_IDS, PolicyGraph.LOGITS, PolicyGraph.HIDDEN).withHeadWeight(head.name());
    }

    /** One pre-norm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
    private SDVariable block(SameDiff sd, SDVariable x, int l, SDVariable batchAndTime, SDVariable causalMask, SDVariable ones) {
        int d = config.dModel();
        double residualStd = config.initStd() / Math.sqrt(2.0 * config.nLayers());

        SDVariable h = layerNorm(sd, x, ln1Gain(l), ln1Bias(l), ones);
        SDVariable qkv = linear(sd, h, attnW(l), attnB(l), d, 3 * d, config.initStd(), ones);
        SDVariable[] parts = sd.split(qkv, 3, 1);
        SDVariable q = splitHeads(sd, parts[0], batchAndTime);
        SDVariable k = splitHeads(sd, parts[1], batchAndTime);
        SDVariable v = splitHeads(sd, parts[2], batchAndTime);
        SDVariable scores = sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(config.headDim()));
        SDVariable weights = sd.nn.softmax(scores.add(causalMask), 3);     // [B, H, T, T]
        SDVariable attended = mergeHeads(sd, sd.mmul(weights, v), d);       // [B*T, d]
        x = x.add(linear(sd, attended, attnProjW(l), attnProjB(l), d, d, residualStd, ones));

        SDVariable m = layerNorm(sd, x, ln2Gain(l), ln2Bias(l), ones);
        SDVariable up = activation(sd, linear(sd, m, mlpFcW(l), mlpFcB(l), d, config.mlpDim(), config.initStd(), ones));
        return x.add(linear(sd, up, mlpProjW(l), mlpProjB(l), config.mlpDim(), d, residualStd, ones));
    }

    private SDVariable activation(SameDiff sd, SDVariable x) {
        if (config.activation() == Activation.GELU_SIGMOID) {
            return sd.nn.gelu(x);
        }
        SDVariable inner = x.add(x.mul(x).mul(x).mul(Activation.CUBIC)).mul(Activation.SQRT_2_OVER_PI);
        return x.mul(0.5).mul(sd.math.tanh(inner).add(1.0));
    }

    /** [B*T, d] -> [B, H, T, hd]. */
    private SDVariable splitHeads(SameDiff sd, SDVariable x, SDVariable batchAndTime) {
        SDVariable shape = sd.concat(0, batchAndTime,
                sd.constant(Nd4j.createFromArray((long) config.nHeads(), (long) config.headDim())));
        return sd.permute(sd.reshape(x, shape), 0, 2, 1, 3);
    }

    /** [B, H, T, hd] -> [B*T, d]. */
    private static SDVariable mergeHeads(SameDiff sd, SDVariable x, int d) {
        return sd.reshape(sd.permute(x, 0, 2, 1, 3), -1, d);
    }

    private SDVariable layerNorm(SameDiff sd, SDVariable x, String gainName, String biasName, SDVariable ones) {
        SDVariable gain = sd.var(gainName, Nd4j.ones(dataType, config.dModel()));
        SDVariable bias = sd.var(biasName, Nd4j.zeros(dataType, config.dModel()));
        // (x − mean) · (r ⊗ gain) + bias with r = 1/sqrt(var + ε) [N, 1]: the scale is an outer product, so both of its
        // broadcasts are differentiated by matmul's backward (as in LlamaGraphBuilder's RMSNorm). Why not M2.1's
        // layer_norm op (what ε = 0 used): its layer_norm_bp took 25 ms a call on [3040, 256], 14% of a gpt2 256x6
        // step (bench --op-profile); this form's forward and backward together take a quarter of the op's. With ε = 0
        // it computes what that op computes (same loss to float rounding; the KV decoder still calls the op).
        SDVariable centred = x.sub(x.mean(true, 1));
        SDVariable variance = centred.mul(centred).mean(true, 1);
        SDVariable inverseStd = sd.math.rsqrt(config.layerNormEpsilon() == 0 ? variance : variance.add(config.layerNormEpsilon()));
        return addBias(sd, centred.mul(sd.mmul(inverseStd, sd.reshape(gain, 1, config.dModel()))), bias, ones);
    }

    private SDVariable linear(SameDiff sd, SDVariable x, String wName, String bName, int in, int out, double std, SDVariable ones) {
        SDVariable w = normalVar(sd, wName, std, in, out);
        SDVariable b = sd.var(bName, Nd4j.zeros(dataType, out));
        return addBias(sd, sd.mmul(x, w), b, ones);
    }

}
