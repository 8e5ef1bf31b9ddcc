package io.dl4jrl.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.sampling.Sampler;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.text.CharTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointStoreTest {
    @TempDir
    Path dir;
    final CharTokenizer tok = new CharTokenizer();

    TransformerConfig config(long seed) {
        return TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(32).dModel(16).nLayers(2).nHeads(2)
                .mlpRatio(2).initStd(0.3).seed(seed).build();
    }

    @Test
    void roundTripGivesIdenticalOutputs() throws IOException {
        TransformerPolicy original = new TransformerPolicy(config(1));
        Path file = dir.resolve("a.ckpt");
        CheckpointStore.save(file, CheckpointStore.capture(original, "sft", 12,
                Map.of("lr", 0.1), new ObjectMapper().createObjectNode().put("note", "x")));
        Checkpoint loaded = CheckpointStore.load(file);
        assertEquals(12, loaded.step());
        assertEquals("sft", loaded.kind());
        assertEquals(original.config(), loaded.transformerConfig());
        assertEquals(original.spec(), loaded.model());
        assertEquals(0.1, loaded.trainerConfig().get("lr").asDouble());
        assertEquals("x", loaded.metadata().get("note").asText());

        TransformerPolicy restored = new TransformerPolicy(loaded.transformerConfig().toBuilder().seed(777).build());
        CheckpointStore.restoreWeights(restored.graph().sameDiff(), loaded);
        INDArray ids = Nd4j.createFromArray(new int[][]{tok.encode("Q: 1+2\nA: ")}).castTo(DataType.INT32);
        INDArray a = original.graph().sameDiff().output(Map.of("input_ids", ids), "logits").get("logits");
        INDArray b = restored.graph().sameDiff().output(Map.of("input_ids", ids), "logits").get("logits");
        assertEquals(a, b, "logits must be bit-identical");
        Sampler sampler = new Sampler(tok);
        SamplingConfig sc = SamplingConfig.builder().maxNewTokens(10).build();
        SampleBatch sa = sampler.sample(original, List.of(tok.encode("Q: ")), sc, 5);
        SampleBatch sb = sampler.sample(restored, List.of(tok.encode("Q: ")), sc, 5);
        assertTrue(Arrays.deepEquals(sa.responses(), sb.responses()));
    }

    @Test
    void rejectsMismatchedModelsWithTheOffendingName() throws IOException {
        TransformerPolicy small = new TransformerPolicy(config(1));
        Path file = dir.resolve("s.ckpt");
        CheckpointStore.save(file, CheckpointStore.capture(small, "sft", 1, Map.of(), null));
        TransformerPolicy wider = new TransformerPolicy(config(1).toBuilder().dModel(32).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointStore.restoreWeights(wider.graph().sameDiff(), CheckpointStore.load(file)));
        assertTrue(e.getMessage().contains("has shape"), e.getMessage());
        TransformerPolicy deeper = new TransformerPolicy(config(1).toBuilder().nLayers(3).build());
        e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointStore.restoreWeights(deeper.graph().sameDiff(), CheckpointStore.load(file)));
        assertTrue(e.getMessage().contains("h.2."), e.getMessage());
    }

    @Test
    void corruptOrForeignFilesGiveClearErrors() throws IOException {
        Path garbage = dir.resolve("garbage.ckpt");
        Files.write(garbage, new byte[]{1, 2, 3, 4, 5});
        IOException e = assertThrows(IOException.class, () -> CheckpointStore.load(garbage));
        assertTrue(e.getMessage().contains("garbage.ckpt"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> CheckpointStore.load(dir.resolve("none.ckpt")));
        assertTrue(missing.getMessage().contains("none.ckpt"));
    }

    @Test
    void saveReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        TransformerPolicy p = new TransformerPolicy(config(1));
        Path file = dir.resolve("latest.ckpt");
        for (int step = 1; step <= 3; step++) {
            CheckpointStore.save(file, CheckpointStore.capture(p, "sft", step, Map.of(), null));
        }
        assertEquals(3, CheckpointStore.load(file).step());
        assertArrayEquals(new String[]{"latest.ckpt"}, dir.toFile().list());
    }

    @Test
    void aCutOrDamagedCheckpointIsRefusedNamingTheFile() throws IOException {
        TransformerPolicy p = new TransformerPolicy(config(1));
        Path file = dir.resolve("whole.ckpt");
        CheckpointStore.save(file, CheckpointStore.capture(p, "sft", 3, Map.of(), null));
        byte[] whole = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.ckpt");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 100));
        IOException e = assertThrows(IOException.class, () -> CheckpointStore.load(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
        Path half = dir.resolve("half.ckpt");
        Files.write(half, java.util.Arrays.copyOf(whole, whole.length / 2));
        e = assertThrows(IOException.class, () -> CheckpointStore.load(half));
        assertTrue(e.getMessage().startsWith(half.toString()), e.getMessage());
        Path flipped = dir.resolve("flipped.ckpt");
        byte[] damaged = whole.clone();
        damaged[whole.length / 2] ^= 0x01;
        Files.write(flipped, damaged);
        e = assertThrows(IOException.class, () -> CheckpointStore.load(flipped));
        assertTrue(e.getMessage().startsWith(flipped.toString()), e.getMessage());
        assertEquals(3, CheckpointStore.load(file).step());
    }

    @Test
    void staleTemporariesAreRemovedAndNothingElse() throws IOException {
        Files.writeString(dir.resolve("latest.ckpt123456.tmp"), "partial");
        Files.writeString(dir.resolve("keep.txt"), "x");
        CheckpointStore.removeTemporaries(dir);
        assertFalse(Files.exists(dir.resolve("latest.ckpt123456.tmp")));
        assertTrue(Files.exists(dir.resolve("keep.txt")));
    }
}
