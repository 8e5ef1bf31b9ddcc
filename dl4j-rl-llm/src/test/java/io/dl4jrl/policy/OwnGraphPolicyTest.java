package io.dl4jrl.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.SftConfig;
import io.dl4jrl.train.SftTrainer;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The policy contract on a graph none of the library's builders made: a causal "previous two tokens" model with its
 * own names ({@code ids}, {@code scores}, {@code state}), registered as a model type, trained by the SFT and RL
 * trainers, copied as a KL reference, checkpointed and reloaded.
 */
class OwnGraphPolicyTest {
    static final String TYPE = "test-two-token";
    final CharTokenizer tok = new CharTokenizer();
    @TempDir
    Path dir;

    static {
        CausalLms.register(TYPE, s -> twoToken(s.get("vocab").asInt(), s.get("seed").asLong()));
    }

    /** logits[t] = (E·onehot(x_t) + F·onehot(x_{t-1})) W: causal, since position t reads only tokens t and t-1. */
    static CausalLm twoToken(int vocab, long seed) {
        SameDiff sd = SameDiff.create();
        Random r = new Random(seed);
        int width = 24;
        SDVariable ids = sd.placeHolder("ids", DataType.INT32, -1, -1);
        SDVariable shape = sd.shape(ids).castTo(DataType.INT64);
        SDVariable current = sd.reshape(sd.oneHot(ids, vocab).castTo(DataType.FLOAT), -1, vocab);
        // The previous token: ids shifted right by one within each row (position 0 sees a zero row).
        SDVariable previousIds = sd.concat(1, sd.fill(sd.concat(0, sd.slice(shape, new int[]{0}, 1), sd.constant(Nd4j.createFromArray(1L))),
                DataType.INT32, -1.0), sd.slice(ids, sd.constant(Nd4j.createFromArray(0, 0)),
                sd.concat(0, sd.constant(Nd4j.createFromArray(-1)), sd.slice(shape, new int[]{1}, 1).castTo(DataType.INT32).sub(1))));
        SDVariable previous = sd.reshape(sd.oneHot(previousIds, vocab).castTo(DataType.FLOAT), -1, vocab);
        SDVariable e = sd.var("e", Nd4j.create(gaussian(r, vocab * width, 0.3), new long[]{vocab, width}, 'c'));
        SDVariable f = sd.var("f", Nd4j.create(gaussian(r, vocab * width, 0.3), new long[]{vocab, width}, 'c'));
        SDVariable w = sd.var("w", Nd4j.create(gaussian(r, width * vocab, 0.3), new long[]{width, vocab}, 'c'));
        SDVariable state2d = sd.math().tanh(sd.mmul(current, e).add(sd.mmul(previous, f)));
        sd.reshape("state", state2d, sd.concat(0, shape, sd.constant(Nd4j.createFromArray((long) width))));
        sd.reshape("scores", sd.mmul(state2d, w), sd.concat(0, shape, sd.constant(Nd4j.createFromArray((long) vocab))));
        ObjectMapper json = new ObjectMapper();
        JsonNode settings = json.createObjectNode().put("vocab", vocab).put("seed", seed);
        return new SameDiffCausalLm(PolicyGraph.of(sd, "ids", "scores", "state"), vocab, 32, new ModelSpec(TYPE, settings));
    }

    static float[] gaussian(Random r, int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (r.nextGaussian() * std);
        }
        return out;
    }

    CausalLm model() {
        return CausalLms.create(ModelSpec.of(TYPE, Map.of("vocab", tok.vocabSize(), "seed", 3)));
    }

    static List<Problem> problems() {
        List<Problem> out = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            out.add(new Problem("p" + n, "x" + (n % 10), "#### " + (n % 10), Integer.toString(n % 10), 1));
        }
        return out;
    }

    INDArray logits(CausalLm m, int[] ids) {
        PolicyGraph g = m.graph();
        return g.sameDiff().output(Map.of(g.inputIds(), Nd4j.createFromArray(new int[][]{ids})), g.logits()).get(g.logits());
    }

    @Test
    void theGraphIsCausal() {
        CausalLm m = model();
        INDArray a = logits(m, tok.encode("Q: 12"));
        INDArray b = logits(m, tok.encode("Q: 19"));
        for (int t = 0; t < 4; t++) {
            assertEquals(a.slice(0).getRow(t), b.slice(0).getRow(t), "position " + t + " must not see later tokens");
        }
        assertNotEquals(a.slice(0).getRow(4), b.slice(0).getRow(4));
        assertEquals(24, m.hiddenWidth());
    }

    @Test
    void copyIsIndependentWithEqualWeights() {
        CausalLm m = model();
        m.graph().sameDiff().getVariable("w").getArr().addi(0.5);
        CausalLm c = m.copy();
        int[] ids = tok.encode("Q: 7\nA: ");
        assertEquals(logits(m, ids), logits(c, ids));
        m.graph().sameDiff().getVariable("w").getArr().addi(1.0);
        assertNotEquals(logits(m, ids), logits(c, ids), "the copy must not share arrays with the original");
    }

    @Test
    void sftAndGrpoTrainItAndItsCheckpointReloads() throws IOException {
        CausalLm m = model();
        List<Problem> data = problems();
        List<Double> losses = new ArrayList<>();
        SftTrainer sft = new SftTrainer(m, tok, PromptFormat.DEFAULT, SftConfig.builder().steps(40).batchSize(16).learningRate(1e-2)
                .warmupSteps(2).evalEvery(0).evalProblems(8).maxNewTokens(8).build());
        sft.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics s) {
                losses.add(s.values().get("loss"));
            }
        });
        sft.train(data, data);
        assertTrue(losses.get(losses.size() - 1) < 0.7 * losses.get(0), "SFT loss " + losses.get(0) + " -> " + losses.get(losses.size() - 1));

        RlConfig grpo = RlConfig.grpo().iterations(2).promptsPerIteration(4).groupSize(4).miniBatchSize(16).maxNewTokens(8)
                .klCoefficient(0.05).evalEvery(0).evalProblems(8).build();
        RlTrainer rl = new RlTrainer(m, tok, PromptFormat.DEFAULT, new CorrectnessReward(), grpo);
        rl.train(data, data);
        assertEquals(2, rl.iteration());
        Path file = dir.resolve("own.ckpt");
        CheckpointStore.save(file, rl.checkpoint());
        Checkpoint c = CheckpointStore.load(file);
        assertEquals(TYPE, c.model().type());
        assertFalse(CheckpointStore.referenceWeights(c).isEmpty(), "the KL reference travels with the checkpoint");
        CausalLm back = CheckpointStore.loadModel(c);
        int[] ids = tok.encode("Q: x3\nA: ");
        assertEquals(logits(rl.policy(), ids), logits(back, ids));
        // the resumed trainer takes the checkpoint of the same model type
        RlTrainer resumed = new RlTrainer(back, tok, PromptFormat.DEFAULT, new CorrectnessReward(), grpo);
        resumed.resume(c);
        assertEquals(2, resumed.iteration());
    }

    @Test
    void unknownTypesAndForeignCheckpointsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CausalLms.create(ModelSpec.of("nobody-registered-this", Map.of())));
        assertTrue(e.getMessage().contains("nobody-registered-this") && e.getMessage().contains("CausalLms.register"), e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> new SameDiffCausalLm(model().graph(), tok.vocabSize(), 32).copy());
        assertTrue(s.getMessage().contains("ModelSpec"), s.getMessage());
    }

    @Test
    void aCheckpointWrittenBeforeModelTypesLoadsAsTheTransformer() {
        TransformerConfig config = TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(16).dModel(8).nLayers(1).nHeads(2)
                .mlpRatio(2).build();
        JsonNode bare = new ObjectMapper().valueToTree(config);
        ModelSpec spec = ModelSpec.fromJson(bare, "old.ckpt");
        assertTrue(spec.isTransformer());
        assertEquals(config, spec.transformerConfig());
        assertEquals(spec, ModelSpec.fromJson(spec.toJson(), "new.ckpt"));
        assertTrue(spec.sameShape(ModelSpec.of(config.toBuilder().seed(99).build())), "the seed does not change the shape");
    }
}
