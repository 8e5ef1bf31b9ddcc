package io.dl4jrl.policy;

import io.dl4jrl.graphs.GptGraphBuilder;
import io.dl4jrl.graphs.Activation;
import io.dl4jrl.graphs.TransformerConfig;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LayerNorm;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static io.dl4jrl.graphs.GptNames.*;

/**
 * Batched prefill + KV-cache decoding of the GPT policy with direct ND4J ops on the SameDiff graph's own
 * weight arrays. It computes what {@link GptGraphBuilder}'s graph computes (with libnd4j's layer_norm, softmax
 * and gelu ops; the graph builds its layer norm from primitives, equal to float rounding), but per call it runs
 * only the new positions against cached keys and values, and pays ND4J's per-op cost once per step for the whole
 * batch instead of the per-call overhead that a SameDiff call per generated token would pay at every step.
 *
 * <p>Padding, caches and the step workspace are {@link CachedDecoder}'s.
 */
final class GptKvDecoder extends CachedDecoder {
    GptKvDecoder(TransformerConfig config, SameDiff sd, int batch, int capacity) {
        super(config, sd, batch, capacity, WTE);
    }

    @Override
    protected INDArray forwardColumns(int[] flatTokens, int[] flatPositions, int n, int start, int end) {
        int d = config.dModel();
        int hd = config.headDim();
        INDArray x = Nd4j.pullRows(weight(WTE), 1, flatTokens).addi(Nd4j.pullRows(weight(WPE), 1, flatPositions)); // [B*n, d]
        INDArray mask = attentionMask(start, n, end);                                                               // [B, H, n, end]
        double scale = 1.0 / Math.sqrt(hd);

        for (int l = 0; l < config.nLayers(); l++) {
            try (MemoryWorkspace layer = layerScope()) { // x is updated in place; the rest is freed here
                INDArray a = layerNorm(x, ln1Gain(l), ln1Bias(l));
                INDArray qkv = Nd4j.matmul(a, weight(attnW(l))).addiRowVector(weight(attnB(l)));                                 // [B*n, 3d]
                INDArray q = heads(qkv, 0, n);
                INDArray k = heads(qkv, d, n);
                INDArray v = heads(qkv, 2 * d, n);
                INDArray[] kv = cache(l, k, v, start, end);
                INDArray kAll = kv[0];
                INDArray vAll = kv[1];
                INDArray scores = Nd4j.matmul(q, kAll, false, true, false).muli(scale).addi(mask);                      // [B, H, n, end]
                INDArray probs = Nd4j.exec(new SoftMax(scores, scores.ulike(), 3))[0];
                INDArray attended = Nd4j.matmul(probs, vAll).permute(0, 2, 1, 3).dup('c').reshape(batch * n, d);        // [B*n, d]
                x.addi(Nd4j.matmul(attended, weight(attnProjW(l))).addiRowVector(weight(attnProjB(l))));

                INDArray m = layerNorm(x, ln2Gain(l), ln2Bias(l));
                INDArray up = Nd4j.matmul(m, weight(mlpFcW(l))).addiRowVector(weight(mlpFcB(l)));
                up = activation(up);
                x.addi(Nd4j.matmul(up, weight(mlpProjW(l))).addiRowVector(weight(mlpProjB(l))));
            }
        }
        INDArray last = layerNorm(Nd4j.pullRows(x, 1, lastRows(n)), LN_F_GAIN, LN_F_BIAS);                            // [B, d]
        INDArray head = config.tieEmbeddings() ? weight(WTE) : weight(LM_HEAD);
        return Nd4j.matmul(last, head, false, true, false);                                                                          // [B, V]
    }

    /** Columns [offset, offset+d) of a [B*n, 3d] matrix as [B, H, n, hd]. */
    private INDArray heads(INDArray qkv, int offset, int n) {
        INDArray part = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + config.dModel())).dup('c');
        return part.reshape(batch, n, config.nHeads(), config.headDim()).permute(0, 2, 1, 3).dup('c');
    }

    private INDArray layerNorm(INDArray x, String gain, String bias) {
        if (config.layerNormEpsilon() == 0) {
            return Nd4j.exec(new LayerNorm(x, weight(gain), weight(bias), x.ulike(), false, 1))[0];
        }
        INDArray centred = x.subColumnVector(x.mean(true, 1));
        INDArray std = org.nd4j.linalg.ops.transforms.Transforms.sqrt(centred.mul(centred).mean(true, 1).addi(config.layerNormEpsilon()), false);
        return centred.diviColumnVector(std).muliRowVector(weight(gain)).addiRowVector(weight(bias));
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
