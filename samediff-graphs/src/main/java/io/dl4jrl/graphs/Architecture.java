package io.dl4jrl.graphs;

/** The decoder family a {@link TransformerConfig} describes. */
public enum Architecture {
    /** GPT-2: learned positions, LayerNorm, GELU MLP, fused Conv1D qkv; the built-in policy. */
    GPT2,
    /**
     * Llama (and Qwen2, Mistral-style dense models): rotary positions, RMSNorm, SwiGLU MLP, grouped-query attention,
     * optional q/k/v biases (Qwen2), separate or tied LM head.
     */
    LLAMA
}
