package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * What the decoder graph builders share: the config and float type, reproducible normal initialisation from a
 * {@link SplittableRandom} seeded by the config (independent of ND4J's global RNG), the causal mask and the dynamic
 * {@code [batch, time, ...]} shapes.
 */
public abstract class DecoderGraphBuilder {
    /** Added to masked attention scores; large enough that exp underflows to 0 in float. */
    static final double MASK_VALUE = -1e9;

    protected final TransformerConfig config;
    protected final DataType dataType;
    private SplittableRandom random;

    DecoderGraphBuilder(TransformerConfig config, DataType dataType, Architecture architecture) {
        if (config.architecture() != architecture) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " builds " + (architecture == Architecture.GPT2 ? "GPT-2" : "Llama")
                    + " configs, got " + config.architecture());
        }
        this.config = config;
        this.dataType = dataType;
    }

    /** Builds a new graph with freshly initialised weights. */
    public PolicyGraph build() {
        return build(SameDiff.create());
    }

    /** Adds the policy to an existing graph (it must not already contain these variable names). */
    public PolicyGraph build(SameDiff sd) {
        SingleCopyArrays.apply(sd); // M2.1 would keep every weight twice
        random = new SplittableRandom(config.seed());
        return buildInto(sd);
    }

    protected abstract PolicyGraph buildInto(SameDiff sd);

    /** mask[i, j] = 0 where key j may be seen from query i (j <= i), MASK_VALUE otherwise; [T, T]. */
    protected SDVariable causalMask(SameDiff sd, SDVariable positions) {
        SDVariable query = sd.expandDims(positions, 1);
        SDVariable key = sd.expandDims(positions, 0);
        return sd.gt(key, query).castTo(dataType).mul(MASK_VALUE);
    }

    /**
     * The causal mask at the full score shape {@code [B, heads, T, T]}, built once for all layers from a shape (an integer
     * input, so no gradient flows into it). Why: adding the {@code [T, T]} mask by broadcast differentiates through
     * M2.1's broadcasting add_bp, which reduces the mask's unneeded gradient over B and heads: 3.0 ms a layer at
     * 32 x 4 x 96 x 96 against 0.3 ms for equal shapes (docs/performance.md, "Bias and mask gradients").
     */
    protected SDVariable fullCausalMask(SameDiff sd, SDVariable positions, SDVariable batchAndTime, int heads) {
        SDVariable time = sd.slice(batchAndTime, new int[]{1}, 1);
        SDVariable shape = sd.concat(0, sd.slice(batchAndTime, new int[]{0}, 1), sd.constant(Nd4j.createFromArray((long) heads)), time, time);
        return sd.fill(shape, dataType, 1.0).mul(causalMask(sd, positions));
    }

    /** A {@code [B*T, 1]} column of ones, for {@link #addBias}. */
    protected SDVariable rowOnes(SameDiff sd, SDVariable batchAndTime) {
        SDVariable rows = sd.reshape(sd.prod(batchAndTime, 0), 1);
        return sd.fill(sd.concat(0, rows, sd.constant(Nd4j.createFromArray(1L))), dataType, 1.0);
    }

    /**
     * {@code y [N, out] + bias [out]} with the bias spread by an outer product {@code ones [N, 1] · bias [1, out]}, so its
     * gradient is the GEMM {@code onesᵀ · dy}. Why: M2.1's broadcasting add_bp sums dy over rows with a strided loop,
     * 23 ms for [3072, 1024] against 1.5 ms for that GEMM on this machine (docs/performance.md, "Bias and mask
     * gradients"); the sum is the same.
     */
    protected static SDVariable addBias(SameDiff sd, SDVariable y, SDVariable bias, SDVariable rowOnes) {
        long out = bias.getShape()[0];
        return y.add(sd.mmul(rowOnes, sd.reshape(bias, 1, out)));
    }

    protected static SDVariable withLast(SameDiff sd, SDVariable batchAndTime, long last) {
        return sd.concat(0, batchAndTime, sd.constant(Nd4j.createFromArray(last)));
    }

    protected SDVariable normalVar(SameDiff sd, String name, double std, int rows, int cols) {
        // Written straight into the variable's own native array. Why: a Java double[] and a double INDArray cast to
        // float cost 12 bytes per weight beyond the weight itself (2.4 GB of garbage per Qwen2.5-0.5B-shaped graph,
        // native memory that only a collection frees); the values are the same either way.
        INDArray arr = Nd4j.create(dataType, rows, cols);
        long n = (long) rows * cols;
        if (dataType == DataType.FLOAT) {
            java.nio.FloatBuffer b = arr.data().asNioFloat();
            for (long i = 0; i < n; i++) {
                b.put((float) (std * random.nextGaussian()));
            }
        } else {
            INDArray wide = dataType == DataType.DOUBLE ? arr : Nd4j.create(DataType.DOUBLE, rows, cols);
            java.nio.DoubleBuffer b = wide.data().asNioDouble();
            for (long i = 0; i < n; i++) {
                b.put(std * random.nextGaussian());
            }
            if (wide != arr) {
                arr.assign(wide);
                wide.close();
            }
        }
        return sd.var(name, arr);
    }
}
