package io.dl4jrl.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.policy.ModelSpec;
import io.dl4jrl.train.SameDiffTraining;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes checkpoints as one ZIP file: {@code checkpoint.json}, {@code weights/<name>} and
 * {@code optimizer/<name>/<key>} (ND4J's binary array format).
 *
 * <p>Writes are atomic: the file is written beside its destination under a temporary name, forced to disk,
 * then renamed over the destination, so a crash leaves the previous checkpoint intact. We write the
 * weights ourselves rather than with {@code SameDiff.save}: M2.1's FlatBuffers round trip fails for some
 * ops (we hit it with LogSoftMax), and a checkpoint must never be unloadable.
 */
public final class CheckpointStore {
    /**
     * 2: the ZIP's comment, the file's last {@value #FILE_DIGEST_CHARS} bytes, is the SHA-256 of every byte before it, so a
     * file cut short or damaged anywhere is refused instead of loading what it still holds; format-1 files, which have
     * none, still load. (Files written earlier on 2026-12-06 also carry a {@code checksum.sha256} entry, an entry-level
     * digest the whole-file one made redundant; like any unknown entry it is skipped.)
     */
    public static final int FORMAT_VERSION = 2;
    private static final int FILE_DIGEST_CHARS = 64;
    /**
     * Weight names under this prefix belong to a second, frozen model stored beside the policy (an RL run's
     * reference policy); {@link #restoreWeights} skips them and {@link #referenceWeights} reads them.
     */
    public static final String REFERENCE_PREFIX = "reference/";
    /** Names of a separate critic's weights and optimizer state ({@link #withCritic}). */
    public static final String CRITIC_PREFIX = "critic/";
    private static final String CRITIC_ITERATIONS = "criticIterationCount";
    /** Heads a checkpoint may carry that a graph without them can ignore when loading the policy. */
    private static final java.util.List<String> OPTIONAL_HEADS = java.util.List.of("value_head.", "reward_head.");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String META = "checkpoint.json";

    private CheckpointStore() {
    }

    /**
     * Captures the trainable weights and optimizer state of {@code model}'s graph (with any heads and losses a trainer
     * attached) under the model's spec.
     */
    public static Checkpoint capture(CausalLm model, String kind, long step, Object trainerConfig, JsonNode metadata) {
        return capture(model.graph().sameDiff(), kind, step, model.spec(), trainerConfig, metadata);
    }

    /** Captures the trainable weights and optimizer state of {@code sd}. */
    public static Checkpoint capture(SameDiff sd, String kind, long step, ModelSpec model, Object trainerConfig,
                                     JsonNode metadata) {
        Map<String, INDArray> weights = new TreeMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                weights.put(v.name(), v.getArr().dup());
            }
        }
        Map<String, Map<String, INDArray>> state = new TreeMap<>();
        if (sd.isInitializedTraining()) {
            for (Map.Entry<String, GradientUpdater> e : sd.getUpdaterMap().entrySet()) {
                Map<String, INDArray> s = new TreeMap<>();
                Map<String, INDArray> current = e.getValue().getState();
                if (current != null) {
                    current.forEach((k, arr) -> s.put(k, arr.dup()));
                }
                state.put(e.getKey(), s);
            }
        }
        int iterations = sd.getTrainingConfig() == null ? 0 : sd.getTrainingConfig().getIterationCount();
        return new Checkpoint(kind, step, model, JSON.valueToTree(trainerConfig), iterations, weights, state,
                metadata == null ? JSON.createObjectNode() : metadata);
    }

    /**
     * The checkpoint's model, rebuilt by its type's factory ({@link io.dl4jrl.policy.CausalLms}) and given the
     * checkpoint's policy weights (heads a trainer attached, such as a value head, are skipped).
     */
    public static CausalLm loadModel(Checkpoint c) {
        CausalLm model = io.dl4jrl.policy.CausalLms.create(c.model());
        restoreWeights(model.graph().sameDiff(), c);
        return model;
    }

    /** Copies the checkpoint's policy weights into {@code sd}; every name and shape must match. */
    public static void restoreWeights(SameDiff sd, Checkpoint c) {
        Map<String, INDArray> policy = new TreeMap<>();
        c.weights().forEach((name, arr) -> {
            if (!name.startsWith(REFERENCE_PREFIX) && !name.startsWith(CRITIC_PREFIX)) {
                policy.put(name, arr);
            }
        });
        restore(sd, policy);
    }

    /** The reference model's weights stored with {@link #withReference}, by plain variable name; empty if none. */
    public static Map<String, INDArray> referenceWeights(Checkpoint c) {
        Map<String, INDArray> out = new TreeMap<>();
        c.weights().forEach((name, arr) -> {
            if (name.startsWith(REFERENCE_PREFIX)) {
                out.put(name.substring(REFERENCE_PREFIX.length()), arr);
            }
        });
        return out;
    }

    /** Copies {@code c}'s reference weights into {@code sd} (the reference model's graph). */
    public static void restoreReference(SameDiff sd, Checkpoint c) {
        Map<String, INDArray> reference = referenceWeights(c);
        if (reference.isEmpty()) {
            throw new IllegalArgumentException("checkpoint '" + c.kind() + "' at step " + c.step() + " holds no reference weights");
        }
        restore(sd, reference);
    }

    /** {@code c} plus the trainable weights of {@code reference} under {@link #REFERENCE_PREFIX}. */
    public static Checkpoint withReference(Checkpoint c, SameDiff reference) {
        Map<String, INDArray> weights = new TreeMap<>(c.weights());
        for (SDVariable v : reference.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                weights.put(REFERENCE_PREFIX + v.name(), v.getArr().dup());
            }
        }
        return new Checkpoint(c.kind(), c.step(), c.model(), c.trainerConfig(), c.iterationCount(), weights, c.optimizerState(),
                c.metadata());
    }

    /**
     * {@code c} plus a separate critic's trainable weights and optimizer state under {@link #CRITIC_PREFIX} (and its
     * iteration count in the metadata), so that a resumed run continues the critic exactly.
     */
    public static Checkpoint withCritic(Checkpoint c, SameDiff critic) {
        Checkpoint own = capture(critic, c.kind(), c.step(), c.model(), null, null);
        Map<String, INDArray> weights = new TreeMap<>(c.weights());
        own.weights().forEach((name, arr) -> weights.put(CRITIC_PREFIX + name, arr));
        Map<String, Map<String, INDArray>> state = new TreeMap<>(c.optimizerState());
        own.optimizerState().forEach((name, s) -> state.put(CRITIC_PREFIX + name, s));
        com.fasterxml.jackson.databind.node.ObjectNode meta = c.metadata().deepCopy();
        meta.put(CRITIC_ITERATIONS, own.iterationCount());
        return new Checkpoint(c.kind(), c.step(), c.model(), c.trainerConfig(), c.iterationCount(), weights, state, meta);
    }

    /** Copies {@code c}'s critic weights and optimizer state into {@code critic}, whose training config is set. */
    public static void restoreCritic(SameDiff critic, Checkpoint c) {
        Map<String, INDArray> weights = new TreeMap<>();
        c.weights().forEach((name, arr) -> {
            if (name.startsWith(CRITIC_PREFIX)) {
                weights.put(name.substring(CRITIC_PREFIX.length()), arr);
            }
        });
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("checkpoint '" + c.kind() + "' at step " + c.step() + " holds no separate critic");
        }
        restore(critic, weights);
        Map<String, Map<String, INDArray>> state = new TreeMap<>();
        c.optimizerState().forEach((name, s) -> {
            if (name.startsWith(CRITIC_PREFIX)) {
                state.put(name.substring(CRITIC_PREFIX.length()), s);
            }
        });
        restoreOptimizer(critic, new Checkpoint(c.kind(), c.step(), c.model(), c.trainerConfig(),
                c.metadata().path(CRITIC_ITERATIONS).asInt(0), weights, state, c.metadata()));
    }

    private static void restore(SameDiff sd, Map<String, INDArray> weights) {
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && !weights.containsKey(v.name())) {
                throw new IllegalArgumentException("checkpoint has no weight '" + v.name() + "' that the model needs");
            }
        }
        for (Map.Entry<String, INDArray> e : weights.entrySet()) {
            SDVariable v = sd.getVariable(e.getKey());
            if (v == null && OPTIONAL_HEADS.stream().anyMatch(e.getKey()::startsWith)) {
                continue; // e.g. a PPO checkpoint's value head, loaded into a bare policy for evaluation
            }
            if (v == null || v.getVariableType() != VariableType.VARIABLE) {
                throw new IllegalArgumentException("checkpoint weight '" + e.getKey() + "' is not a variable of the model");
            }
            INDArray target = v.getArr();
            if (!java.util.Arrays.equals(target.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("checkpoint weight '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(e.getValue().shape()) + ", the model needs " + java.util.Arrays.toString(target.shape()));
            }
            target.assign(e.getValue());
        }
    }

    /** Restores optimizer state and iteration count; the training config must already be set. */
    public static void restoreOptimizer(SameDiff sd, Checkpoint c) {
        if (sd.getTrainingConfig() == null) {
            throw new IllegalStateException("set the training config before restoring optimizer state");
        }
        Map<String, GradientUpdater> updaters = SameDiffTraining.updaters(sd);
        for (Map.Entry<String, Map<String, INDArray>> e : c.optimizerState().entrySet()) {
            if (e.getKey().startsWith(CRITIC_PREFIX)) {
                continue; // a separate critic's, restored by restoreCritic
            }
            GradientUpdater u = updaters.get(e.getKey());
            if (u == null) {
                throw new IllegalArgumentException("checkpoint has optimizer state for '" + e.getKey() + "', which the model does not train");
            }
            if (!e.getValue().isEmpty()) {
                Map<String, INDArray> state = new LinkedHashMap<>();
                e.getValue().forEach((k, arr) -> state.put(k, arr.dup()));
                u.setState(state, false);
            }
        }
        sd.getTrainingConfig().setIterationCount(c.iterationCount());
    }

    public static void save(Path file, Checkpoint c) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        AtomicFiles.write(file, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp);
                 ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(os))) {
                ObjectNode meta = JSON.createObjectNode();
                meta.put("format", FORMAT_VERSION);
                meta.put("kind", c.kind());
                meta.put("step", c.step());
                meta.set("model", c.model().toJson());
                meta.set("trainer", c.trainerConfig());
                meta.put("iterationCount", c.iterationCount());
                meta.set("metadata", c.metadata());
                zip.putNextEntry(new ZipEntry(META));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
                zip.closeEntry();
                for (Map.Entry<String, INDArray> e : c.weights().entrySet()) {
                    writeArray(zip, "weights/" + e.getKey(), e.getValue());
                }
                for (Map.Entry<String, Map<String, INDArray>> e : c.optimizerState().entrySet()) {
                    zip.putNextEntry(new ZipEntry("optimizer/" + e.getKey() + "/"));
                    zip.closeEntry();
                    for (Map.Entry<String, INDArray> s : e.getValue().entrySet()) {
                        writeArray(zip, "optimizer/" + e.getKey() + "/" + s.getKey(), s.getValue());
                    }
                }
                zip.setComment("0".repeat(FILE_DIGEST_CHARS)); // replaced by the file's digest once the file is whole
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long digested = ch.size() - FILE_DIGEST_CHARS;
                byte[] hex = java.util.HexFormat.of().formatHex(fileDigest(ch, digested)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                ch.write(java.nio.ByteBuffer.wrap(hex), digested);
                ch.force(true);
            }
        });
    }

    public static Checkpoint load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such checkpoint file");
        }
        JsonNode meta = null;
        Map<String, INDArray> weights = new TreeMap<>();
        Map<String, Map<String, INDArray>> state = new TreeMap<>();
        // The entries are streamed below, which never reads the ZIP's central directory at the end of the file; opening the
        // file as a ZipFile does, so a file whose end was cut off is refused here.
        try (java.util.zip.ZipFile whole = new java.util.zip.ZipFile(file.toFile())) {
            if (whole.size() == 0) {
                throw new IOException(file + ": not a checkpoint (an empty ZIP file)");
            }
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: the JDK's ZIP reader refuses an entry name or comment that is not valid UTF-8 this way;
            // an EOFException without a message when the central directory points past the end
            if (e instanceof IOException && e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw (IOException) e;
            }
            throw new IOException(file + ": not a readable checkpoint, damaged or cut short (" + e + ")", e);
        }
        try (InputStream is = Files.newInputStream(file);
             ZipInputStream zip = new ZipInputStream(new BufferedInputStream(is))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                byte[] bytes = zip.readAllBytes();
                if (name.equals(META)) {
                    meta = JSON.readTree(bytes);
                } else if (name.startsWith("weights/")) {
                    weights.put(name.substring("weights/".length()), readArray(bytes, file, name));
                } else if (name.startsWith("optimizer/")) {
                    String rest = name.substring("optimizer/".length());
                    int slash = rest.lastIndexOf('/');
                    Map<String, INDArray> s = state.computeIfAbsent(rest.substring(0, slash), k -> new TreeMap<>());
                    if (slash < rest.length() - 1) {
                        s.put(rest.substring(slash + 1), readArray(bytes, file, name));
                    }
                }
            }
        } catch (java.util.zip.ZipException | java.io.EOFException | IllegalArgumentException e) {
            throw new IOException(file + ": not a readable checkpoint, damaged or cut short (" + e.getMessage() + ")", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": " + META + " is not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new IOException(file + ": not a readable checkpoint, damaged or cut short (" + e + ")", e);
        }
        if (meta == null) {
            throw new IOException(file + ": not a checkpoint (no " + META + ")");
        }
        int format = meta.path("format").asInt(-1);
        if (format != FORMAT_VERSION && format != 1) {
            throw new IOException(file + ": checkpoint format " + format + " is not supported (expected 1 or " + FORMAT_VERSION + ")");
        }
        if (format >= 2 && !wholeFileIntact(file)) {
            throw new IOException(file + ": the checkpoint is damaged or incomplete (the SHA-256 of the file does not match the one it ends with)");
        }
        ModelSpec model;
        try {
            model = ModelSpec.fromJson(meta.get("model"), file + ": " + META);
            if (model.isTransformer()) {
                model.transformerConfig(); // a broken transformer config fails here, naming the file
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return new Checkpoint(meta.path("kind").asText(), meta.path("step").asLong(), model, meta.get("trainer"),
                meta.path("iterationCount").asInt(), weights, state, meta.get("metadata"));
    }

    private static void writeArray(ZipOutputStream zip, String name, INDArray arr) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        DataOutputStream out = new DataOutputStream(zip);
        Nd4j.write(arr, out);
        out.flush();
        zip.closeEntry();
    }

    /** SHA-256 of the first {@code length} bytes of {@code ch}. */
    private static byte[] fileDigest(FileChannel ch, long length) throws IOException {
        java.security.MessageDigest digest = sha256();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
        long position = 0;
        while (position < length) {
            buf.clear().limit((int) Math.min(buf.capacity(), length - position));
            int n = ch.read(buf, position);
            if (n < 0) {
                throw new java.io.EOFException("file shorter than expected");
            }
            buf.flip();
            digest.update(buf);
            position += n;
        }
        return digest.digest();
    }

    /** Whether the file ends with the hex SHA-256 of all its bytes before those 64 characters. */
    private static boolean wholeFileIntact(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long digested = ch.size() - FILE_DIGEST_CHARS;
            if (digested <= 0) {
                return false;
            }
            java.nio.ByteBuffer stored = java.nio.ByteBuffer.allocate(FILE_DIGEST_CHARS);
            while (stored.hasRemaining() && ch.read(stored, digested + stored.position()) > 0) {
                // read the whole trailer
            }
            String expected = java.util.HexFormat.of().formatHex(fileDigest(ch, digested));
            return expected.equals(new String(stored.array(), java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    private static INDArray readArray(byte[] bytes, Path file, String name) throws IOException {
        try {
            return Nd4j.read(new DataInputStream(new java.io.ByteArrayInputStream(bytes)));
        } catch (RuntimeException e) {
            throw new IOException(file + ": entry " + name + " is not a valid array (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Deletes the temporary files a kill during {@link #save} can leave in {@code dir} ({@code <name>.ckpt<digits>.tmp});
     * nothing else is touched.
     */
    public static void removeTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().matches(".+\\.ckpt\\d*\\.tmp")) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
