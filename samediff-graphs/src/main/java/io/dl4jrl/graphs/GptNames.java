package io.dl4jrl.graphs;

/**
 * Names of the GPT policy's weight variables, shared by the SameDiff graph builder and the direct-ND4J
 * decoder so the two can never disagree. They follow Hugging Face GPT-2's layout: matrices are stored
 * {@code [in, out]} (GPT-2's Conv1D convention), q, k and v are fused in {@code attn.c_attn}.
 */
public final class GptNames {
    public static final String WTE = "wte.weight";
    public static final String WPE = "wpe.weight";
    public static final String LN_F_GAIN = "ln_f.weight";
    public static final String LN_F_BIAS = "ln_f.bias";
    public static final String LM_HEAD = "lm_head.weight";

    private GptNames() {
    }

    public static String block(int layer, String part) {
        return "h." + layer + "." + part;
    }

    public static String ln1Gain(int l) { return block(l, "ln_1.weight"); }
    public static String ln1Bias(int l) { return block(l, "ln_1.bias"); }
    public static String attnW(int l) { return block(l, "attn.c_attn.weight"); }
    public static String attnB(int l) { return block(l, "attn.c_attn.bias"); }
    public static String attnProjW(int l) { return block(l, "attn.c_proj.weight"); }
    public static String attnProjB(int l) { return block(l, "attn.c_proj.bias"); }
    public static String ln2Gain(int l) { return block(l, "ln_2.weight"); }
    public static String ln2Bias(int l) { return block(l, "ln_2.bias"); }
    public static String mlpFcW(int l) { return block(l, "mlp.c_fc.weight"); }
    public static String mlpFcB(int l) { return block(l, "mlp.c_fc.bias"); }
    public static String mlpProjW(int l) { return block(l, "mlp.c_proj.weight"); }
    public static String mlpProjB(int l) { return block(l, "mlp.c_proj.bias"); }
}
