package io.dl4jrl.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.hf.SafetensorsFile;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlConfigJson;
import io.dl4jrl.task.Gsm8kJsonl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Seeded generators of malformed inputs (config JSON, GSM8K JSONL rows, checkpoints, safetensors headers): each input
 * either loads or is refused with the library's own exception (IllegalArgumentException for configurations,
 * IOException for files), never another exception or a JVM error.
 */
class MalformedInputFuzzTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    final Random random = new Random(20261206);

    JsonNode randomValue() {
        return switch (random.nextInt(9)) {
            case 0 -> JSON.nullNode();
            case 1 -> JSON.getNodeFactory().numberNode(random.nextInt(2000) - 1000);
            case 2 -> JSON.getNodeFactory().numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20) * (random.nextBoolean() ? 1 : -1));
            case 3 -> JSON.getNodeFactory().numberNode(random.nextInt(5) + 0.5);
            case 4 -> JSON.getNodeFactory().textNode(List.of("", "grpo", "ppo-clip", "K3", "token-mean", "x", "NaN").get(random.nextInt(7)));
            case 5 -> JSON.getNodeFactory().booleanNode(random.nextBoolean());
            case 6 -> JSON.createArrayNode().add(1);
            case 7 -> JSON.createObjectNode().put("a", 1);
            default -> JSON.getNodeFactory().numberNode(Double.NaN);
        };
    }

    /** A random leaf of {@code node}'s tree replaced, removed or renamed. */
    void mutate(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            node.set("f" + random.nextInt(3), randomValue());
            return;
        }
        String name = names.get(random.nextInt(names.size()));
        JsonNode child = node.get(name);
        if (child.isObject() && random.nextInt(3) > 0) {
            mutate((ObjectNode) child);
        } else switch (random.nextInt(4)) {
            case 0 -> node.remove(name);
            case 1 -> node.set(name + "x", node.remove(name));
            default -> node.set(name, randomValue());
        }
    }

    @Test
    void configFilesLoadOrAreRefusedWithAMessage() {
        ObjectNode valid = RlConfigJson.toJson(RlConfig.vineppo().build());
        for (int i = 0; i < 3000; i++) {
            ObjectNode n = valid.deepCopy();
            for (int k = 0, m = 1 + random.nextInt(3); k < m; k++) {
                mutate(n);
            }
            try {
                RlConfigJson.fromJson(n, "fuzz-" + i);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage() != null && expected.getMessage().startsWith("fuzz-" + i), expected.getMessage());
            } catch (RuntimeException | Error e) {
                fail("config " + n + " threw " + e, e);
            }
        }
    }

    @Test
    void jsonlRowsLoadOrAreRefusedWithTheFileAndLine() throws IOException {
        String[] pieces = {"{", "}", "\"question\"", "\"answer\"", ":", ",", "\"Q?\"", "\"1+1=2\\n#### 2\"", "\"#### x\"", "null", "7",
                "[", "]", "\"id\"", "\"level\"", "\n", " ", "\u00e9", "\"\\u0000\""};
        for (int i = 0; i < 2000; i++) {
            StringBuilder text = new StringBuilder();
            for (int k = 0, m = random.nextInt(25); k < m; k++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            Path f = dir.resolve("rows.jsonl");
            Files.writeString(f, text, StandardCharsets.UTF_8);
            try {
                Gsm8kJsonl.load(f);
            } catch (IOException expected) {
                assertTrue(expected.getMessage() != null && expected.getMessage().startsWith(f.toString()), expected.getMessage());
            } catch (RuntimeException | Error e) {
                fail("JSONL " + text + " threw " + e, e);
            }
        }
    }

    @Test
    void damagedCheckpointsAreRefusedNamingTheFile() throws IOException {
        TransformerPolicy p = new TransformerPolicy(TransformerConfig.builder().vocabSize(20).contextLength(8).dModel(8).nLayers(1)
                .nHeads(2).mlpRatio(2).build());
        Path good = dir.resolve("good.ckpt");
        CheckpointStore.save(good, CheckpointStore.capture(p, "sft", 1, Map.of("lr", 1), null));
        byte[] whole = Files.readAllBytes(good);
        for (int i = 0; i < 300; i++) {
            byte[] b = whole.clone();
            int kind = random.nextInt(3);
            if (kind == 0) {
                b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
            } else {
                for (int k = 0, m = 1 + random.nextInt(4); k < m; k++) {
                    b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            Path f = dir.resolve("bad.ckpt");
            Files.write(f, b);
            try {
                CheckpointStore.load(f);
                throw new AssertionError("a damaged checkpoint loaded (trial " + i + ", " + (kind == 0 ? "cut" : "flipped") + ")");
            } catch (IOException expected) {
                assertTrue(expected.getMessage() != null && expected.getMessage().startsWith(f.toString()), "trial " + i + ": " + expected + " at " + expected.getStackTrace()[0]);
            } catch (RuntimeException | Error e) {
                fail("damaged checkpoint (trial " + i + ") threw " + e, e);
            }
        }
    }

    @Test
    void safetensorsHeadersOpenOrAreRefusedWithAMessage() throws IOException {
        for (int i = 0; i < 1500; i++) {
            ObjectNode header = JSON.createObjectNode();
            ObjectNode t = header.putObject("w");
            t.put("dtype", List.of("F32", "F16", "BF16", "I64", "X", "").get(random.nextInt(6)));
            t.putArray("shape").add(random.nextInt(5) - 1).add(random.nextInt(5));
            t.putArray("data_offsets").add(random.nextInt(40) - 4).add(random.nextInt(80) - 4);
            if (random.nextBoolean()) {
                mutate(header);
            }
            byte[] h = JSON.writeValueAsBytes(header);
            if (random.nextInt(5) == 0) {
                h = java.util.Arrays.copyOf(h, random.nextInt(h.length + 1));
            }
            int data = random.nextInt(64);
            ByteBuffer buf = ByteBuffer.allocate(8 + h.length + data).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(random.nextInt(10) == 0 ? random.nextLong() : h.length).put(h);
            Path f = dir.resolve("m.safetensors");
            Files.write(f, buf.array());
            try (SafetensorsFile s = SafetensorsFile.open(f)) {
                assertNotNull(s);
            } catch (IOException expected) {
                assertNotNull(expected.getMessage());
            } catch (RuntimeException | Error e) {
                fail("safetensors header " + new String(h, StandardCharsets.UTF_8) + " threw " + e, e);
            }
        }
    }
}
