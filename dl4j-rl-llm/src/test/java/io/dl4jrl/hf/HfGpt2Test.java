package io.dl4jrl.hf;

import io.dl4jrl.graphs.Activation;
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

/** A tiny random GPT-2 written in the Hugging Face layout, loaded, and checked against an independent forward pass. */
class HfGpt2Test {
    static final int VOCAB = 37, CTX = 24, D = 16, LAYERS = 2, HEADS = 4, INNER = 48;
    static final String CONFIG = "{\"architectures\": [\"GPT2LMHeadModel\"], \"model_type\": \"gpt2\", \"vocab_size\": " + VOCAB
            + ", \"n_positions\": " + CTX + ", \"n_embd\": " + D + ", \"n_layer\": " + LAYERS + ", \"n_head\": " + HEADS
            + ", \"n_inner\": " + INNER + ", \"activation_function\": \"gelu_new\", \"layer_norm_epsilon\": 1e-05,"
            + " \"tie_word_embeddings\": true, \"bos_token_id\": 0, \"eos_token_id\": 0}";
    static final int[][] IDS = {{3, 17, 5, 36, 0, 9, 9, 21}, {1, 2, 3, 4, 5, 6, 7, 8}};

    @TempDir
    Path dir;

    /** HF GPT2LMHeadModel's state dict: 'transformer.' prefix, mask buffers, tied lm_head. */
    static Map<String, INDArray> randomWeights(long seed) {
        Random r = new Random(seed);
        Map<String, INDArray> w = new LinkedHashMap<>();
        w.put("transformer.wte.weight", rand(r, 0.2, VOCAB, D));
        w.put("transformer.wpe.weight", rand(r, 0.3, CTX, D));
        for (int l = 0; l < LAYERS; l++) {
            String b = "transformer.h." + l + ".";
            w.put(b + "ln_1.weight", rand(r, 0.2, D).addi(1));
            w.put(b + "ln_1.bias", rand(r, 0.1, D));
            w.put(b + "attn.bias", Nd4j.ones(DataType.FLOAT, 1, 1, CTX, CTX)); // causal-mask buffer, not a weight
            w.put(b + "attn.c_attn.weight", rand(r, 0.2, D, 3 * D));
            w.put(b + "attn.c_attn.bias", rand(r, 0.1, 3 * D));
            w.put(b + "attn.c_proj.weight", rand(r, 0.3, D, D));
            w.put(b + "attn.c_proj.bias", rand(r, 0.1, D));
            w.put(b + "ln_2.weight", rand(r, 0.2, D).addi(1));
            w.put(b + "ln_2.bias", rand(r, 0.1, D));
            w.put(b + "mlp.c_fc.weight", rand(r, 0.2, D, INNER));
            w.put(b + "mlp.c_fc.bias", rand(r, 0.1, INNER));
            w.put(b + "mlp.c_proj.weight", rand(r, 0.3, INNER, D));
            w.put(b + "mlp.c_proj.bias", rand(r, 0.1, D));
        }
        w.put("transformer.ln_f.weight", rand(r, 0.2, D).addi(1));
        w.put("transformer.ln_f.bias", rand(r, 0.1, D));
        w.put("lm_head.weight", w.get("transformer.wte.weight").dup());
        return w;
    }

    static INDArray rand(Random r, double std, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] f = new float[(int) n];
        for (int i = 0; i < f.length; i++) f[i] = (float) (std * r.nextGaussian());
        return Nd4j.create(f, shape, 'c');
    }

    Path writeModel(Map<String, INDArray> w, String config) throws IOException {
        Path m = dir.resolve("gpt2-tiny");
        Files.createDirectories(m);
        Files.writeString(m.resolve("config.json"), config);
        SafetensorsWriter.write(m.resolve("model.safetensors"), w, Map.of("format", "pt"), SafetensorsDtype.F32);
        return m;
    }

    static INDArray graphLogits(TransformerPolicy policy, int[][] ids) {
        PolicyGraph g = policy.graph();
        return g.sameDiff().output(Map.of(g.inputIds(), Nd4j.createFromArray(ids).castTo(DataType.INT32)), g.logits()).get(g.logits());
    }

    @Test
    void loadedLogitsMatchAnIndependentForwardPass() throws IOException {
        Map<String, INDArray> w = randomWeights(7);
        TransformerPolicy policy = HfGpt2.load(writeModel(w, CONFIG));
        assertEquals(Activation.GELU_TANH, policy.config().activation());
        assertEquals(INNER / D, policy.config().mlpRatio());
        Gpt2Reference ref = new Gpt2Reference(w, LAYERS, HEADS);
        INDArray logits = graphLogits(policy, IDS);
        double worst = 0;
        for (int b = 0; b < IDS.length; b++) {
            INDArray expected = ref.logits(IDS[b]);
            INDArray actual = logits.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.all()).castTo(DataType.DOUBLE);
            worst = Math.max(worst, expected.sub(actual).amaxNumber().doubleValue());
        }
        System.out.println("max |logit - reference| = " + worst + ", max |logit| = " + logits.amaxNumber());
        assertTrue(worst < 1e-4, "max |logit - reference| = " + worst);
        assertTrue(ref.logits(IDS[0]).amaxNumber().doubleValue() > 0.5, "logits should not be trivially small: " + ref.logits(IDS[0]).amaxNumber());
    }

    @Test
    void kvCacheSamplingPathEqualsTheFullForward() throws IOException {
        TransformerPolicy policy = HfGpt2.load(writeModel(randomWeights(8), CONFIG));
        int[][] prompts = {{3, 17, 5}, {1, 2, 3, 4, 5, 6}};
        int[][] fed = {{36, 0, 9}, {7, 8, 9}};
        DecodeSession s = policy.openSession(2, 12, true);
        INDArray[] steps = new INDArray[fed[0].length + 1];
        steps[0] = s.prefill(prompts);
        for (int k = 0; k < fed[0].length; k++) {
            steps[k + 1] = s.step(new int[]{fed[0][k], fed[1][k]});
        }
        Gpt2Reference ref = new Gpt2Reference(randomWeights(8), LAYERS, HEADS);
        double worst = 0;
        for (int b = 0; b < 2; b++) {
            int[] seq = new int[prompts[b].length + fed[b].length];
            System.arraycopy(prompts[b], 0, seq, 0, prompts[b].length);
            System.arraycopy(fed[b], 0, seq, prompts[b].length, fed[b].length);
            INDArray full = ref.logits(seq);
            for (int k = 0; k < steps.length; k++) {
                INDArray expected = full.getRow(prompts[b].length - 1 + k);
                worst = Math.max(worst, expected.sub(steps[k].getRow(b).castTo(DataType.DOUBLE)).amaxNumber().doubleValue());
            }
        }
        assertTrue(worst < 1e-4, "max |cached logit - reference| = " + worst);
    }

    @Test
    void saveThenLoadIsExact() throws IOException {
        TransformerPolicy policy = HfGpt2.load(writeModel(randomWeights(9), CONFIG));
        Path out = dir.resolve("saved");
        HfGpt2.save(policy, out, SafetensorsDtype.F32);
        TransformerPolicy back = HfGpt2.load(out);
        assertEquals(policy.config(), back.config());
        int n = 0;
        for (SDVariable v : policy.graph().sameDiff().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                assertEquals(v.getArr(), back.graph().sameDiff().getArrForVarName(v.name()), v.name());
                n++;
            }
        }
        assertEquals(4 + 12 * LAYERS, n);
        // the built-in policy's activation survives the trip as HF's quick_gelu
        TransformerPolicy builtIn = new TransformerPolicy(policy.config().toBuilder().activation(Activation.GELU_SIGMOID).layerNormEpsilon(0).build());
        HfGpt2.save(builtIn, dir.resolve("builtin"), SafetensorsDtype.F32);
        assertTrue(Files.readString(dir.resolve("builtin/config.json")).contains("\"quick_gelu\""));
        assertEquals(builtIn.config().toBuilder().layerNormEpsilon(1e-12).build(), HfGpt2.load(dir.resolve("builtin")).config());
    }

    @Test
    void unsupportedOrInconsistentModelsSayWhy() throws IOException {
        Map<String, INDArray> w = randomWeights(10);
        assertMessage(CONFIG.replace("gelu_new", "gelu"), w, "activation_function 'gelu' is not supported");
        assertMessage(CONFIG.replace("\"model_type\": \"gpt2\"", "\"model_type\": \"llama\""), w, "model_type 'llama' is not gpt2");
        assertMessage(CONFIG.replace("\"n_embd\": 16", "\"n_embd\": \"16\""), w, "field 'n_embd' must be an integer");
        assertMessage(CONFIG.replace("1e-05", "0.5"), w, "layerNormEpsilon must be in [0, 0.1], got 0.5");
        assertMessage(CONFIG.replace("\"n_head\": 4", "\"n_head\": 3"), w, "dModel (16) must be divisible by nHeads (3)");

        Map<String, INDArray> missing = new LinkedHashMap<>(w);
        missing.remove("transformer.h.1.mlp.c_fc.bias");
        assertMessage(CONFIG, missing, "missing tensors [h.1.mlp.c_fc.bias]");
        Map<String, INDArray> extra = new LinkedHashMap<>(w);
        extra.put("score.weight", Nd4j.zeros(DataType.FLOAT, 2, D));
        assertMessage(CONFIG, extra, "tensors a GPT-2 of this config does not have: [score.weight]");
        Map<String, INDArray> wrong = new LinkedHashMap<>(w);
        wrong.put("transformer.h.0.attn.c_attn.weight", Nd4j.zeros(DataType.FLOAT, 3 * D, D));
        assertMessage(CONFIG, wrong, "tensor 'transformer.h.0.attn.c_attn.weight' has shape [48, 16], the config needs [16, 48]");
        Map<String, INDArray> untied = new LinkedHashMap<>(w);
        untied.put("lm_head.weight", Nd4j.zeros(DataType.FLOAT, VOCAB, D));
        assertMessage(CONFIG, untied, "tie_word_embeddings is true but lm_head.weight differs from wte.weight");
    }

    private void assertMessage(String config, Map<String, INDArray> w, String expected) throws IOException {
        Path m = writeModel(w, config);
        IOException e = assertThrows(IOException.class, () -> HfGpt2.load(m));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(m.toString()), e.getMessage());
    }
}
