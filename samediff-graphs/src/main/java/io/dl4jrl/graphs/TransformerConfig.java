package io.dl4jrl.graphs;

/**
 * Shape and initialisation of a GPT-style causal decoder.
 *
 * <p>Immutable; build it with {@link #builder()}, which fills in small-model defaults and rejects
 * inconsistent values with a message naming the field.
 *
 * @param vocabSize     number of token ids the embedding and the LM head cover
 * @param contextLength longest sequence (prompt + response) the position embedding covers
 * @param dModel        width of the residual stream
 * @param nLayers       number of transformer blocks
 * @param nHeads        attention heads per block; must divide {@code dModel}
 * @param mlpRatio      hidden width of the MLP as a multiple of {@code dModel}
 * @param tieEmbeddings whether the LM head reuses the token embedding matrix (as GPT-2 does)
 * @param initStd       standard deviation of the normal initialisation of weight matrices
 * @param seed          seed of the weight initialisation
 * @param activation    the MLP's GELU approximation; {@code null} (checkpoints written before it existed) means
 *                      {@link Activation#GELU_SIGMOID}
 * @param layerNormEpsilon ε added to the variance in layer norms; 0 (the built-in policy's, and checkpoints written
 *                      before it existed) runs ND4J's {@code layer_norm} op, whose own ε is negligible (about
 *                      1e-12, measured); GPT-2 uses 1e-5, which matters where activations have small variance;
 *                      for Llama the RMSNorm ε
 * @param architecture  GPT-2 (the built-in policy; {@code null} in older checkpoints) or Llama
 * @param nKvHeads      Llama: key/value heads of grouped-query attention (0 = {@code nHeads}); must divide nHeads
 * @param mlpHidden     MLP hidden width when it is not a multiple of dModel (Llama's intermediate_size; 0 = mlpRatio × dModel)
 * @param ropeTheta     Llama: rotary embedding base θ (0 = 10000)
 * @param attentionBias Llama: q, k and v projections have biases (Qwen2)
 * @param ropeScaling   Llama: rotary frequency scaling ({@code null} = none)
 */
public record TransformerConfig(int vocabSize, int contextLength, int dModel, int nLayers, int nHeads,
                                int mlpRatio, boolean tieEmbeddings, double initStd, long seed, Activation activation,
                                double layerNormEpsilon, Architecture architecture, int nKvHeads, int mlpHidden, double ropeTheta,
                                boolean attentionBias, RopeScaling ropeScaling) {

    public TransformerConfig {
        if (activation == null) {
            activation = Activation.GELU_SIGMOID;
        }
        if (!(layerNormEpsilon >= 0) || layerNormEpsilon > 0.1) {
            throw new IllegalArgumentException("layerNormEpsilon must be in [0, 0.1], got " + layerNormEpsilon);
        }
        requirePositive("vocabSize", vocabSize);
        requirePositive("contextLength", contextLength);
        requirePositive("dModel", dModel);
        requirePositive("nLayers", nLayers);
        requirePositive("nHeads", nHeads);
        requirePositive("mlpRatio", mlpRatio);
        if (dModel % nHeads != 0) {
            throw new IllegalArgumentException("dModel (" + dModel + ") must be divisible by nHeads (" + nHeads + ")");
        }
        if (architecture == null) {
            architecture = Architecture.GPT2;
        }
        if (nKvHeads == 0) {
            nKvHeads = nHeads;
        }
        if (ropeTheta == 0) {
            ropeTheta = 10000;
        }
        if (nKvHeads < 0 || nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException("nKvHeads (" + nKvHeads + ") must divide nHeads (" + nHeads + ")");
        }
        if (mlpHidden < 0) {
            throw new IllegalArgumentException("mlpHidden must be >= 0, got " + mlpHidden);
        }
        if (!(ropeTheta > 0)) {
            throw new IllegalArgumentException("ropeTheta must be positive, got " + ropeTheta);
        }
        if (architecture == Architecture.GPT2 && (nKvHeads != nHeads || attentionBias || ropeScaling != null)) {
            throw new IllegalArgumentException("GPT-2 has no grouped-query attention, separate q/k/v biases or rotary embeddings");
        }
        if (architecture == Architecture.LLAMA && (dModel / nHeads) % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head dimension, got " + dModel / nHeads);
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("initStd must be a positive finite number, got " + initStd);
        }
    }

    /** Width of one attention head. */
    public int headDim() {
        return dModel / nHeads;
    }

    /** Hidden width of the MLP. */
    public int mlpDim() {
        return mlpHidden > 0 ? mlpHidden : dModel * mlpRatio;
    }

    /** Width of the key and value projections (grouped-query attention shares each k/v head among nHeads/nKvHeads). */
    public int kvDim() {
        return nKvHeads * headDim();
    }

    /** Number of trainable parameters. */
    public long parameterCount() {
        long d = dModel;
        if (architecture == Architecture.LLAMA) {
            long block = 2 * d + d * d + 2 * d * kvDim() + d * d + 3 * d * mlpDim() + (attentionBias ? d + 2L * kvDim() : 0);
            return (long) vocabSize * d * (tieEmbeddings ? 1 : 2) + nLayers * block + d;
        }
        long perBlock = 2 * 2 * d            // two layer norms
                + d * 3 * d + 3 * d          // fused q, k, v projection
                + d * d + d                  // attention output projection
                + d * mlpDim() + mlpDim()    // MLP up
                + (long) mlpDim() * d + d;   // MLP down
        long embeddings = (long) vocabSize * d + (long) contextLength * d;
        long head = tieEmbeddings ? 0 : (long) vocabSize * d;
        return embeddings + nLayers * perBlock + 2 * d + head;
    }

    /**
     * Forward-pass FLOPs per token at a context of {@code t} tokens (multiply-adds count two):
     * the weight matmuls plus the attention scores and weighted sum, as in Kaplan et al. (2020), Table 1.
     * Training costs about three times this (forward + backward).
     */
    public long forwardFlopsPerToken(int t) {
        long d = dModel;
        long matmulParams = architecture == Architecture.LLAMA
                ? nLayers * (2 * d * d + 2 * d * kvDim() + 3 * d * (long) mlpDim()) + (long) vocabSize * d
                : nLayers * (4 * d * d + 2 * d * (long) mlpDim()) + (long) vocabSize * d;
        long attention = 2L * nLayers * t * d;
        return 2 * matmulParams + 2 * attention;
    }

    /** Same architecture and shapes (initialisation settings may differ): weights of one fit the other. */
    public boolean sameShape(TransformerConfig o) {
        return vocabSize == o.vocabSize && contextLength == o.contextLength && dModel == o.dModel && nLayers == o.nLayers
                && nHeads == o.nHeads && mlpRatio == o.mlpRatio && tieEmbeddings == o.tieEmbeddings && activation == o.activation
                && layerNormEpsilon == o.layerNormEpsilon && architecture == o.architecture && nKvHeads == o.nKvHeads
                && mlpDim() == o.mlpDim() && attentionBias == o.attentionBias;
    }

    public Builder toBuilder() {
        return new Builder().vocabSize(vocabSize).contextLength(contextLength).dModel(dModel).nLayers(nLayers)
                .nHeads(nHeads).mlpRatio(mlpRatio).tieEmbeddings(tieEmbeddings).initStd(initStd).seed(seed).activation(activation).layerNormEpsilon(layerNormEpsilon)
                .architecture(architecture).nKvHeads(nKvHeads == nHeads ? 0 : nKvHeads).mlpHidden(mlpHidden).ropeTheta(ropeTheta).attentionBias(attentionBias).ropeScaling(ropeScaling);
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }

    /** Builder with the defaults of the built-in small policy (d_model 128, 4 layers, 4 heads). */
    public static final class Builder {
        private int vocabSize = -1;
        private int contextLength = 256;
        private int dModel = 128;
        private int nLayers = 4;
        private int nHeads = 4;
        private int mlpRatio = 4;
        private boolean tieEmbeddings = true;
        private double initStd = 0.02;
        private long seed = 42;
        private Activation activation = Activation.GELU_SIGMOID;
        private double layerNormEpsilon = 0;
        private Architecture architecture = Architecture.GPT2;
        private int nKvHeads = 0;
        private int mlpHidden = 0;
        private double ropeTheta = 10000;
        private boolean attentionBias = false;
        private RopeScaling ropeScaling = null;

        public Builder vocabSize(int v) { this.vocabSize = v; return this; }
        public Builder contextLength(int v) { this.contextLength = v; return this; }
        public Builder dModel(int v) { this.dModel = v; return this; }
        public Builder nLayers(int v) { this.nLayers = v; return this; }
        public Builder nHeads(int v) { this.nHeads = v; return this; }
        public Builder mlpRatio(int v) { this.mlpRatio = v; return this; }
        public Builder tieEmbeddings(boolean v) { this.tieEmbeddings = v; return this; }
        public Builder initStd(double v) { this.initStd = v; return this; }
        public Builder seed(long v) { this.seed = v; return this; }
        public Builder activation(Activation v) { this.activation = v; return this; }
        public Builder layerNormEpsilon(double v) { this.layerNormEpsilon = v; return this; }
        public Builder architecture(Architecture v) { this.architecture = v; return this; }
        public Builder nKvHeads(int v) { this.nKvHeads = v; return this; }
        public Builder mlpHidden(int v) { this.mlpHidden = v; return this; }
        public Builder ropeTheta(double v) { this.ropeTheta = v; return this; }
        public Builder attentionBias(boolean v) { this.attentionBias = v; return this; }
        public Builder ropeScaling(RopeScaling v) { this.ropeScaling = v; return this; }

        public TransformerConfig build() {
            if (vocabSize == -1) {
                throw new IllegalArgumentException("vocabSize must be set (take it from the tokenizer)");
            }
            return new TransformerConfig(vocabSize, contextLength, dModel, nLayers, nHeads, mlpRatio,
                    tieEmbeddings, initStd, seed, activation, layerNormEpsilon, architecture, nKvHeads, mlpHidden, ropeTheta, attentionBias, ropeScaling);
        }
    }
}
