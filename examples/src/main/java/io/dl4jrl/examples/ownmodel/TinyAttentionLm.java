package io.dl4jrl.examples.ownmodel;

import com.fasterxml.jackson.databind.JsonNode;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.policy.CausalLmType;
import io.dl4jrl.policy.ModelSpec;
import io.dl4jrl.policy.SameDiffCausalLm;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A causal language model written the way a user writes one in SameDiff, with none of the library's graph builders:
 * its own variable names ({@code tok}, {@code next_logits}, {@code h}), one-hot token and position embeddings,
 * single-head causal self-attention and a tanh MLP per layer, residual connections, no normalisation. It exists to
 * show (and test) that the library's trainers take any graph meeting the {@link PolicyGraph} contract.
 *
 * <p>It is registered as model type {@value #TYPE} through {@code META-INF/services/io.dl4jrl.policy.CausalLmType},
 * so its checkpoints reload in any program with this jar on the class path, the command line included.
 */
public final class TinyAttentionLm implements CausalLmType {
    public static final String TYPE = "tiny-attention";

    /** Settings: vocabulary, context length, width, layers and the initialisation seed. */
    public static ModelSpec spec(int vocab, int context, int width, int layers, long seed) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("vocab", vocab);
        s.put("context", context);
        s.put("width", width);
        s.put("layers", layers);
        s.put("seed", seed);
        return ModelSpec.of(TYPE, s);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public CausalLm create(JsonNode s) {
        int vocab = s.path("vocab").asInt();
        int context = s.path("context").asInt();
        int width = s.path("width").asInt();
        int layers = s.path("layers").asInt();
        long seed = s.path("seed").asLong();
        if (vocab <= 0 || context <= 0 || width <= 0 || layers <= 0) {
            throw new IllegalArgumentException(TYPE + " needs positive vocab, context, width and layers, got " + s);
        }
        return new SameDiffCausalLm(graph(vocab, context, width, layers, seed), vocab, context, spec(vocab, context, width, layers, seed));
    }

    /** The graph: tok [B, T] -> next_logits [B, T, vocab], hidden states h [B, T, width]. */
    static PolicyGraph graph(int vocab, int context, int width, int layers, long seed) {
        SameDiff sd = SameDiff.create();
        Random random = new Random(seed);
        SDVariable tok = sd.placeHolder("tok", DataType.INT32, -1, -1);
        SDVariable time = sd.sizeAt(tok, 1).castTo(DataType.INT32);
        SDVariable positions = sd.range(sd.constant(0).castTo(DataType.INT32), time, sd.constant(1).castTo(DataType.INT32), DataType.INT32);

        // Rows are flattened to [B*T, width] for the dense layers and viewed as [B, T, width] for attention.
        SDVariable batchTime = sd.shape(tok).castTo(DataType.INT64);                                // [B, T]
        SDVariable rowsShape = sd.concat(0, batchTime, sd.constant(Nd4j.createFromArray((long) width)));

        SDVariable embed = weight(sd, "embed", random, 0.1, vocab, width);
        SDVariable place = weight(sd, "place", random, 0.1, context, width);
        SDVariable tokens = sd.mmul(sd.reshape(sd.oneHot(tok, vocab).castTo(DataType.FLOAT), -1, vocab), embed);
        SDVariable where = sd.mmul(sd.oneHot(positions, context).castTo(DataType.FLOAT), place);    // [T, width]
        SDVariable x = sd.reshape(sd.reshape(tokens, rowsShape).add(where), -1, width);             // [B*T, width]
        // -1e9 above the diagonal: position t attends to 0..t only.
        SDVariable future = sd.gt(sd.expandDims(positions, 0), sd.expandDims(positions, 1)).castTo(DataType.FLOAT).mul(-1e9);
        double scale = 1.0 / Math.sqrt(width);
        for (int l = 0; l < layers; l++) {
            SDVariable q = sd.reshape(sd.mmul(x, weight(sd, "q" + l, random, scale, width, width)), rowsShape);
            SDVariable k = sd.reshape(sd.mmul(x, weight(sd, "k" + l, random, scale, width, width)), rowsShape);
            SDVariable v = sd.reshape(sd.mmul(x, weight(sd, "v" + l, random, scale, width, width)), rowsShape);
            SDVariable scores = sd.mmul(q, sd.permute(k, 0, 2, 1)).mul(scale).add(future);      // [B, T, T]
            SDVariable attended = sd.reshape(sd.mmul(sd.nn().softmax(scores, 2), v), -1, width);
            x = x.add(sd.mmul(attended, weight(sd, "o" + l, random, scale / layers, width, width)));
            SDVariable up = sd.math().tanh(sd.mmul(x, weight(sd, "up" + l, random, scale, width, 2 * width)));
            x = x.add(sd.mmul(up, weight(sd, "down" + l, random, scale / layers, 2 * width, width)));
        }
        SDVariable h = sd.reshape("h", x, rowsShape);
        SDVariable logits = sd.mmul(x, weight(sd, "readout", random, scale, width, vocab));
        sd.reshape("next_logits", logits, sd.concat(0, batchTime, sd.constant(Nd4j.createFromArray((long) vocab))));
        return PolicyGraph.of(sd, "tok", "next_logits", "h");
    }

    private static SDVariable weight(SameDiff sd, String name, Random random, double std, int rows, int cols) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * std);
        }
        return sd.var(name, Nd4j.create(w, new long[]{rows, cols}, 'c'));
    }
}
