package io.dl4jrl.hf;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

/**
 * GPT-2's forward pass written from the architecture's description with plain ND4J arrays in double precision,
 * independent of the library's SameDiff graph and KV decoder: the reference the loaded models are checked against.
 */
final class Gpt2Reference {
    private final Map<String, INDArray> w;
    private final int layers;
    private final int heads;

    Gpt2Reference(Map<String, INDArray> weights, int layers, int heads) {
        this.w = weights;
        this.layers = layers;
        this.heads = heads;
    }

    private INDArray p(String name) {
        INDArray a = w.get(name);
        if (a == null) a = w.get("transformer." + name);
        return a.castTo(DataType.DOUBLE);
    }

    /** Logits [T, vocab] of one sequence. */
    INDArray logits(int[] ids) {
        int t = ids.length;
        INDArray wte = p("wte.weight");
        int d = (int) wte.size(1);
        int hd = d / heads;
        INDArray x = Nd4j.create(DataType.DOUBLE, t, d);
        for (int i = 0; i < t; i++) {
            x.putRow(i, wte.getRow(ids[i]).add(p("wpe.weight").getRow(i)));
        }
        for (int l = 0; l < layers; l++) {
            String b = "h." + l + ".";
            INDArray h = layerNorm(x, p(b + "ln_1.weight"), p(b + "ln_1.bias"));
            INDArray qkv = h.mmul(p(b + "attn.c_attn.weight")).addRowVector(p(b + "attn.c_attn.bias"));
            INDArray out = Nd4j.create(DataType.DOUBLE, t, d);
            for (int head = 0; head < heads; head++) {
                INDArray q = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(head * hd, (head + 1) * hd));
                INDArray k = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(d + head * hd, d + (head + 1) * hd));
                INDArray v = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * d + head * hd, 2 * d + (head + 1) * hd));
                out.get(NDArrayIndex.all(), NDArrayIndex.interval(head * hd, (head + 1) * hd)).assign(causalAttention(q, k, v));
            }
            x = x.add(out.mmul(p(b + "attn.c_proj.weight")).addRowVector(p(b + "attn.c_proj.bias")));
            INDArray m = layerNorm(x, p(b + "ln_2.weight"), p(b + "ln_2.bias"));
            INDArray up = m.mmul(p(b + "mlp.c_fc.weight")).addRowVector(p(b + "mlp.c_fc.bias"));
            INDArray inner = up.add(Transforms.pow(up, 3).muli(0.044715)).muli(Math.sqrt(2 / Math.PI));
            INDArray gelu = Transforms.tanh(inner).addi(1).muli(up).muli(0.5);
            x = x.add(gelu.mmul(p(b + "mlp.c_proj.weight")).addRowVector(p(b + "mlp.c_proj.bias")));
        }
        INDArray f = layerNorm(x, p("ln_f.weight"), p("ln_f.bias"));
        return f.mmul(wte.transpose());
    }

    private static INDArray layerNorm(INDArray x, INDArray gain, INDArray bias) {
        INDArray out = x.dup();
        for (int i = 0; i < x.rows(); i++) {
            INDArray r = x.getRow(i);
            double mean = r.meanNumber().doubleValue();
            INDArray c = r.sub(mean);
            double var = c.mul(c).meanNumber().doubleValue();
            out.putRow(i, c.divi(Math.sqrt(var + 1e-5)).muli(gain).addi(bias));
        }
        return out;
    }

    /** One head's causal attention, softmax(q kᵀ / √hd, future masked) v, for rows = positions 0..t-1. */
    static INDArray causalAttention(INDArray q, INDArray k, INDArray v) {
        int t = q.rows();
        INDArray scores = q.mmul(k.transpose()).divi(Math.sqrt(q.columns()));
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) scores.putScalar(i, j, Double.NEGATIVE_INFINITY);
            INDArray row = scores.getRow(i);
            INDArray e = Transforms.exp(row.sub(row.maxNumber().doubleValue()), false);
            scores.putRow(i, e.divi(e.sumNumber().doubleValue()));
        }
        return scores.mmul(v);
    }
}
