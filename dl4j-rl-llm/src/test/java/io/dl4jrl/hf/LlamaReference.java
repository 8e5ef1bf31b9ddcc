package io.dl4jrl.hf;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

/**
 * The Llama / Qwen2 forward pass written from Hugging Face's modeling code's description with plain ND4J arrays in
 * double precision (no SameDiff, no library code): RMSNorm, rotary embeddings in the rotate-half convention,
 * grouped-query attention, SwiGLU. The reference the library's Llama graph and decoder are checked against.
 */
final class LlamaReference {
    private final Map<String, INDArray> w;
    private final int layers, heads, kvHeads;
    private final double theta, eps;
    /** llama3 scaling {factor, low, high, original}, or null. */
    double[] llama3;

    LlamaReference(Map<String, INDArray> weights, int layers, int heads, int kvHeads, double theta, double eps) {
        this.w = weights;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.theta = theta;
        this.eps = eps;
    }

    private INDArray p(String name) {
        return w.get(name).castTo(DataType.DOUBLE);
    }

    private INDArray linear(INDArray x, String name) {
        INDArray y = x.mmul(p(name + ".weight").transpose());
        return w.containsKey(name + ".bias") ? y.addRowVector(p(name + ".bias")) : y;
    }

    INDArray logits(int[] ids) {
        int t = ids.length;
        INDArray embed = p("model.embed_tokens.weight");
        int d = (int) embed.size(1);
        int hd = d / heads;
        INDArray x = Nd4j.create(DataType.DOUBLE, t, d);
        for (int i = 0; i < t; i++) x.putRow(i, embed.getRow(ids[i]));
        for (int l = 0; l < layers; l++) {
            String b = "model.layers." + l + ".";
            INDArray h = rms(x, p(b + "input_layernorm.weight"));
            INDArray q = linear(h, b + "self_attn.q_proj");
            INDArray k = linear(h, b + "self_attn.k_proj");
            INDArray v = linear(h, b + "self_attn.v_proj");
            INDArray out = Nd4j.create(DataType.DOUBLE, t, d);
            for (int head = 0; head < heads; head++) {
                int kvHead = head / (heads / kvHeads);
                INDArray qh = rope(q.get(NDArrayIndex.all(), NDArrayIndex.interval(head * hd, (head + 1) * hd)).dup(), hd);
                INDArray kh = rope(k.get(NDArrayIndex.all(), NDArrayIndex.interval(kvHead * hd, (kvHead + 1) * hd)).dup(), hd);
                INDArray vh = v.get(NDArrayIndex.all(), NDArrayIndex.interval(kvHead * hd, (kvHead + 1) * hd));
                out.get(NDArrayIndex.all(), NDArrayIndex.interval(head * hd, (head + 1) * hd)).assign(Gpt2Reference.causalAttention(qh, kh, vh));
            }
            x = x.add(linear(out, b + "self_attn.o_proj"));
            INDArray m = rms(x, p(b + "post_attention_layernorm.weight"));
            INDArray gate = linear(m, b + "mlp.gate_proj");
            INDArray silu = gate.mul(Transforms.sigmoid(gate, true));
            x = x.add(linear(silu.mul(linear(m, b + "mlp.up_proj")), b + "mlp.down_proj"));
        }
        INDArray f = rms(x, p("model.norm.weight"));
        INDArray head = w.containsKey("lm_head.weight") ? p("lm_head.weight") : embed;
        return f.mmul(head.transpose());
    }

    /** Rows are positions 0..t-1: x·cos + rotate_half(x)·sin. */
    private INDArray rope(INDArray x, int hd) {
        int half = hd / 2;
        INDArray out = x.dup();
        for (int pos = 0; pos < x.rows(); pos++) {
            for (int i = 0; i < half; i++) {
                double inv = 1 / Math.pow(theta, 2.0 * i / hd);
                if (llama3 != null) { // Hugging Face's _compute_llama3_parameters, per frequency
                    double factor = llama3[0], low = llama3[1], high = llama3[2], orig = llama3[3];
                    double wavelen = 2 * Math.PI / inv;
                    if (wavelen > orig / low) {
                        inv = inv / factor;
                    } else if (wavelen >= orig / high) {
                        double smooth = (orig / wavelen - low) / (high - low);
                        inv = (1 - smooth) * inv / factor + smooth * inv;
                    }
                }
                double a = pos * inv;
                double x1 = x.getDouble(pos, i), x2 = x.getDouble(pos, i + half);
                out.putScalar(pos, i, x1 * Math.cos(a) - x2 * Math.sin(a));
                out.putScalar(pos, i + half, x2 * Math.cos(a) + x1 * Math.sin(a));
            }
        }
        return out;
    }

    private INDArray rms(INDArray x, INDArray weight) {
        INDArray out = x.dup();
        for (int i = 0; i < x.rows(); i++) {
            INDArray r = x.getRow(i);
            double ms = r.mul(r).meanNumber().doubleValue();
            out.putRow(i, r.div(Math.sqrt(ms + eps)).muli(weight));
        }
        return out;
    }
}
