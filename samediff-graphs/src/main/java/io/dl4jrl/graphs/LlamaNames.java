package io.dl4jrl.graphs;

/**
 * Names of the Llama policy's weights, shared by the SameDiff graph builder and the direct-ND4J decoder. They are
 * Hugging Face's LlamaForCausalLM / Qwen2ForCausalLM names, and matrices keep PyTorch's Linear layout
 * {@code [out, in]}, so loading a checkpoint is a name-for-name copy.
 */
public final class LlamaNames {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private LlamaNames() {
    }

    public static String layer(int l, String part) {
        return "model.layers." + l + "." + part;
    }

    public static String inputNorm(int l) { return layer(l, "input_layernorm.weight"); }
    public static String postNorm(int l) { return layer(l, "post_attention_layernorm.weight"); }
    public static String q(int l) { return layer(l, "self_attn.q_proj.weight"); }
    public static String k(int l) { return layer(l, "self_attn.k_proj.weight"); }
    public static String v(int l) { return layer(l, "self_attn.v_proj.weight"); }
    public static String qBias(int l) { return layer(l, "self_attn.q_proj.bias"); }
    public static String kBias(int l) { return layer(l, "self_attn.k_proj.bias"); }
    public static String vBias(int l) { return layer(l, "self_attn.v_proj.bias"); }
    public static String o(int l) { return layer(l, "self_attn.o_proj.weight"); }
    public static String gate(int l) { return layer(l, "mlp.gate_proj.weight"); }
    public static String up(int l) { return layer(l, "mlp.up_proj.weight"); }
    public static String down(int l) { return layer(l, "mlp.down_proj.weight"); }
}
