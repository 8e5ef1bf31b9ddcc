package io.dl4jrl.graphs;

/**
 * The MLP activation of a GPT-style decoder. Both approximate GELU (Hendrycks and Gimpel, 2016); they differ by
 * up to about 0.02, enough to matter when loading weights trained with the other one.
 */
public enum Activation {
    /** x·σ(1.702x): ND4J's {@code gelu} op; the built-in policy's activation. */
    GELU_SIGMOID,
    /**
     * 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))): GPT-2's {@code gelu_new} (Hugging Face's {@code gelu_new},
     * {@code gelu_pytorch_tanh}). Built from primitive ops, because ND4J M2.1's {@code preciseGelu} computes
     * neither this nor the exact erf form.
     */
    GELU_TANH;

    public static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    public static final double CUBIC = 0.044715;
}
