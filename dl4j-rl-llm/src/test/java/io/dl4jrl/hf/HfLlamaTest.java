package io.dl4jrl.hf;

import io.dl4jrl.graphs.Architecture;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.policy.DecodeSession;
import io.dl4jrl.policy.TransformerPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tiny random Llama (GQA, untied) and Qwen2 (q/k/v biases, tied) models written in the Hugging Face layout. */
class HfLlamaTest {
    static final int VOCAB = 41, CTX = 32, D = 24, LAYERS = 2, HEADS = 6, KV = 2, INTER = 40;

    @TempDir
    Path dir;

    static String config(String type, boolean tied) {
        return "{\"architectures\": [\"X\"], \"model_type\": \"" + type + "\", \"vocab_size\": " + VOCAB
                + ", \"max_position_embeddings\": " + CTX + ", \"hidden_size\": " + D + ", \"intermediate_size\": " + INTER
                + ", \"num_hidden_layers\": " + LAYERS + ", \"num_attention_heads\": " + HEADS + ", \"num_key_value_heads\": " + KV
                + ", \"hidden_act\": \"silu\", \"rms_norm_eps\": 1e-05, \"rope_theta\": 10000.0, \"rope_scaling\": null,"
                + " \"tie_word_embeddings\": " + tied + ", \"torch_dtype\": \"bfloat16\"}";
    }

    static Map<String, INDArray> weights(long seed, boolean biases, boolean tied) {
        Random r = new Random(seed);
        Map<String, INDArray> w = new LinkedHashMap<>();
        int hd = D / HEADS;
        w.put("model.embed_tokens.weight", HfGpt2Test.rand(r, 0.5, VOCAB, D));
        for (int l = 0; l < LAYERS; l++) {
            String b = "model.layers." + l + ".";
            w.put(b + "input_layernorm.weight", HfGpt2Test.rand(r, 0.2, D).addi(1));
            w.put(b + "self_attn.q_proj.weight", HfGpt2Test.rand(r, 0.3, D, D));
            w.put(b + "self_attn.k_proj.weight", HfGpt2Test.rand(r, 0.3, KV * hd, D));
            w.put(b + "self_attn.v_proj.weight", HfGpt2Test.rand(r, 0.3, KV * hd, D));
            if (biases) {
                w.put(b + "self_attn.q_proj.bias", HfGpt2Test.rand(r, 0.2, D));
                w.put(b + "self_attn.k_proj.bias", HfGpt2Test.rand(r, 0.2, KV * hd));
                w.put(b + "self_attn.v_proj.bias", HfGpt2Test.rand(r, 0.2, KV * hd));
            }
            w.put(b + "self_attn.o_proj.weight", HfGpt2Test.rand(r, 0.3, D, D));
            w.put(b + "self_attn.rotary_emb.inv_freq", Nd4j.ones(DataType.FLOAT, hd / 2)); // old checkpoints' buffer
            w.put(b + "post_attention_layernorm.weight", HfGpt2Test.rand(r, 0.2, D).addi(1));
            w.put(b + "mlp.gate_proj.weight", HfGpt2Test.rand(r, 0.3, INTER, D));
            w.put(b + "mlp.up_proj.weight", HfGpt2Test.rand(r, 0.3, INTER, D));
            w.put(b + "mlp.down_proj.weight", HfGpt2Test.rand(r, 0.3, D, INTER));
        }
        w.put("model.norm.weight", HfGpt2Test.rand(r, 0.2, D).addi(1));
        if (!tied) w.put("lm_head.weight", HfGpt2Test.rand(r, 0.3, VOCAB, D));
        return w;
    }

    Path write(String name, String config, Map<String, INDArray> w, SafetensorsDtype dtype) throws IOException {
        Path m = dir.resolve(name);
        Files.createDirectories(m);
        Files.writeString(m.resolve("config.json"), config);
        SafetensorsWriter.write(m.resolve("model.safetensors"), w, Map.of("format", "pt"), dtype);
        return m;
    }

    @Test
    void llamaAndQwen2MatchTheReferenceThroughGraphAndKvCache() throws IOException {
        for (String type : new String[]{"llama", "qwen2"}) {
            boolean qwen2 = type.equals("qwen2");
            Map<String, INDArray> w = weights(3, qwen2, qwen2);
            TransformerPolicy policy = HfModels.load(write(type, config(type, qwen2), w, SafetensorsDtype.F32));
            assertEquals(Architecture.LLAMA, policy.config().architecture());
            assertEquals(KV, policy.config().nKvHeads());
            assertEquals(qwen2, policy.config().attentionBias());
            LlamaReference ref = new LlamaReference(w, LAYERS, HEADS, KV, 10000, 1e-5);
            int[][] ids = {{1, 40, 3, 3, 17, 9}, {5, 6, 7, 8, 9, 10}};
            PolicyGraph g = policy.graph();
            INDArray logits = g.sameDiff().output(Map.of(g.inputIds(), Nd4j.createFromArray(ids).castTo(DataType.INT32)), g.logits())
                    .get(g.logits());
            double worst = 0;
            for (int b = 0; b < 2; b++) {
                INDArray expected = ref.logits(ids[b]);
                worst = Math.max(worst, expected.sub(logits.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.all())
                        .castTo(DataType.DOUBLE)).amaxNumber().doubleValue());
                DecodeSession s = policy.openSession(1, 8, true);
                INDArray prefill = s.prefill(new int[][]{java.util.Arrays.copyOf(ids[b], 4)});
                worst = Math.max(worst, expected.getRow(3).sub(prefill.getRow(0).castTo(DataType.DOUBLE)).amaxNumber().doubleValue());
                INDArray next = s.step(new int[]{ids[b][4]});
                worst = Math.max(worst, expected.getRow(4).sub(next.getRow(0).castTo(DataType.DOUBLE)).amaxNumber().doubleValue());
            }
            assertTrue(worst < 1e-4, type + ": max |logit - reference| = " + worst);
            assertTrue(ref.logits(ids[0]).amaxNumber().doubleValue() > 0.5);
        }
    }

    @Test
    void bf16WeightsLoadAndSaveThenLoadIsExact() throws IOException {
        TransformerPolicy policy = HfModels.load(write("bf16", config("qwen2", true), weights(4, true, true), SafetensorsDtype.BF16));
        for (SafetensorsDtype dtype : new SafetensorsDtype[]{SafetensorsDtype.F32, SafetensorsDtype.BF16}) {
            Path out = dir.resolve("saved-" + dtype);
            HfModels.save(policy, out, dtype); // BF16 weights survive a BF16 round trip exactly too
            TransformerPolicy back = HfModels.load(out);
            assertEquals(policy.config(), back.config());
            for (SDVariable v : policy.graph().sameDiff().variables()) {
                if (v.getVariableType() == VariableType.VARIABLE) {
                    assertEquals(v.getArr(), back.graph().sameDiff().getArrForVarName(v.name()), v.name());
                }
            }
            assertTrue(Files.readString(out.resolve("config.json")).contains("\"model_type\" : \"qwen2\""));
        }
    }

    @Test
    void whatTheGraphDoesNotImplementIsNamed() throws IOException {
        Map<String, INDArray> w = weights(5, false, false);
        String c = config("llama", false);
        assertMessage(c.replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 8.0}"), w,
                "rope_scaling type 'yarn' is not supported");
        assertMessage(c.replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0}"), w,
                "field 'low_freq_factor' must be a number");
        assertMessage(c.replace("\"silu\"", "\"gelu\""), w, "hidden_act 'gelu' is not supported");
        assertMessage(c.replace("\"rope_scaling\": null", "\"attention_bias\": true"), w, "attention_bias = true");
        assertMessage(c.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 4"), w, "nKvHeads (4) must divide nHeads (6)");
        assertMessage(c.replace("\"model_type\": \"llama\"", "\"model_type\": \"falcon\""), w, "model_type 'falcon' is not supported");
        Map<String, INDArray> missing = new LinkedHashMap<>(w);
        missing.remove("model.layers.1.mlp.up_proj.weight");
        assertMessage(c, missing, "missing tensors [model.layers.1.mlp.up_proj.weight]");
        Map<String, INDArray> biased = new LinkedHashMap<>(w);
        biased.put("model.layers.0.self_attn.o_proj.bias", Nd4j.zeros(DataType.FLOAT, D));
        assertMessage(c, biased, "tensors a Llama of this config does not have: [model.layers.0.self_attn.o_proj.bias]");
    }

    private void assertMessage(String config, Map<String, INDArray> w, String expected) throws IOException {
        Path m = write("bad", config, w, SafetensorsDtype.F32);
        IOException e = assertThrows(IOException.class, () -> HfModels.load(m));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(m.toString()), e.getMessage());
    }

    @Test
    void llama3RopeScalingMatchesTheReference() throws IOException {
        // Llama 3.1's scaling with an original context of 8: some frequencies kept, some divided, some blended
        String c = config("llama", false).replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"llama3\", "
                + "\"factor\": 4.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8}");
        Map<String, INDArray> w = weights(6, false, false);
        TransformerPolicy policy = HfModels.load(write("llama3", c, w, SafetensorsDtype.F32));
        assertEquals("llama3", policy.config().ropeScaling().type());
        LlamaReference ref = new LlamaReference(w, LAYERS, HEADS, KV, 10000, 1e-5);
        ref.llama3 = new double[]{4, 1, 4, 8};
        int[] ids = {1, 40, 3, 3, 17, 9, 30, 2, 8, 11, 5, 5, 0, 39, 21, 7, 13, 4, 4, 20};
        PolicyGraph g = policy.graph();
        INDArray logits = g.sameDiff().output(Map.of(g.inputIds(), Nd4j.createFromArray(new int[][]{ids}).castTo(DataType.INT32)),
                g.logits()).get(g.logits()).get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()).castTo(DataType.DOUBLE);
        double worst = ref.logits(ids).sub(logits).amaxNumber().doubleValue();
        assertTrue(worst < 1e-4, "max |logit - reference| = " + worst);
        ref.llama3 = null; // and the scaling matters: without it the reference differs
        assertTrue(ref.logits(ids).sub(logits).amaxNumber().doubleValue() > 1e-3);
        HfModels.save(policy, dir.resolve("llama3-saved"), SafetensorsDtype.F32);
        assertEquals(policy.config(), HfModels.load(dir.resolve("llama3-saved")).config());
    }
}
