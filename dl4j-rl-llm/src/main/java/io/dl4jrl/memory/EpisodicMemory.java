package io.dl4jrl.memory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One episodic memory of Memory-R+: question keys (the question's embedding, one key per problem, refreshed on
 * every visit) each holding the embeddings of reasoning texts seen for that question. FIFO eviction both per key
 * and across keys. Retrieval is exact cosine kNN over the keys ({@link CosineKnn}), one index per snapshot.
 */
public final class EpisodicMemory {
    private static final class Slot {
        float[] key;
        final ArrayDeque<float[]> values = new ArrayDeque<>();
    }

    private final int perKeyCapacity;
    private final int maxKeys;
    private final Map<String, Slot> slots = new LinkedHashMap<>(); // insertion order = age of the key
    private long stored;

    public EpisodicMemory(int perKeyCapacity, int maxKeys) {
        this.perKeyCapacity = perKeyCapacity;
        this.maxKeys = maxKeys;
    }

    /** Stores a reasoning embedding under the question {@code id} with key embedding {@code key}. */
    public void add(String id, float[] key, float[] value) {
        Slot s = slots.remove(id); // re-inserted: a revisited key counts as new
        if (s == null) {
            s = new Slot();
            if (slots.size() >= maxKeys) {
                Iterator<String> oldest = slots.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        s.key = key.clone();
        s.values.addLast(value.clone());
        if (s.values.size() > perKeyCapacity) {
            s.values.removeFirst();
        }
        slots.put(id, s);
        stored++;
    }

    public int keys() {
        return slots.size();
    }

    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /** Reasoning embeddings held, over all keys. */
    public int values() {
        return slots.values().stream().mapToInt(s -> s.values.size()).sum();
    }

    /** Question ids in key order (oldest first). */
    public List<String> ids() {
        return new ArrayList<>(slots.keySet());
    }

    /** Every key and reasoning embedding, oldest first, for RL checkpoints. */
    public JsonNode toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("perKeyCapacity", perKeyCapacity);
        root.put("maxKeys", maxKeys);
        ArrayNode list = root.putArray("keys");
        slots.forEach((id, s) -> {
            ObjectNode k = list.addObject();
            k.put("id", id);
            k.set("key", json.valueToTree(s.key));
            k.set("values", json.valueToTree(s.values.toArray(new float[0][])));
        });
        return root;
    }

    /** Rebuilds a memory written by {@link #toJson}; {@code source} names where it came from in errors. */
    public static EpisodicMemory fromJson(JsonNode node, String source) {
        if (node == null || !node.has("perKeyCapacity") || !node.has("maxKeys") || !node.path("keys").isArray()) {
            throw new IllegalArgumentException(source + ": no episodic memory (expected perKeyCapacity, maxKeys and a keys array)");
        }
        EpisodicMemory m = new EpisodicMemory(node.get("perKeyCapacity").asInt(), node.get("maxKeys").asInt());
        ObjectMapper json = new ObjectMapper();
        int i = 0;
        for (JsonNode k : node.get("keys")) {
            try {
                Slot s = new Slot();
                s.key = json.treeToValue(k.get("key"), float[].class);
                for (float[] v : json.treeToValue(k.get("values"), float[][].class)) {
                    s.values.addLast(v);
                }
                m.slots.put(k.get("id").asText(), s);
            } catch (com.fasterxml.jackson.core.JsonProcessingException | NullPointerException e) {
                throw new IllegalArgumentException(source + ": episodic memory key " + i + " is malformed", e);
            }
            i++;
        }
        return m;
    }

    /**
     * A frozen view for one batch of queries: the key index, every key's reasoning embeddings stacked
     * ({@code values}, rows of key j at {@code [valueStart[j], valueStart[j+1])}) and each key's centroid.
     */
    public Snapshot snapshot() {
        int n = slots.size();
        if (n == 0) {
            throw new IllegalStateException("the memory is empty");
        }
        int d = slots.values().iterator().next().key.length;
        float[][] keys = new float[n][];
        float[][] centroids = new float[n][d];
        int[] start = new int[n + 1];
        List<float[]> values = new ArrayList<>();
        int j = 0;
        for (Slot s : slots.values()) {
            keys[j] = s.key;
            start[j] = values.size();
            for (float[] v : s.values) {
                values.add(v);
                for (int c = 0; c < d; c++) {
                    centroids[j][c] += v[c] / s.values.size();
                }
            }
            j++;
        }
        start[n] = values.size();
        return new Snapshot(new CosineKnn(Nd4j.createFromArray(keys)), Nd4j.createFromArray(values.toArray(new float[0][])),
                start, centroids);
    }

    /**
     * @param keys       the kNN index over question keys
     * @param values     every stored reasoning embedding, {@code [M, d]}, grouped by key
     * @param valueStart key j's rows of {@code values} are {@code [valueStart[j], valueStart[j+1])}
     * @param centroids  mean reasoning embedding per key
     */
    public record Snapshot(CosineKnn keys, INDArray values, int[] valueStart, float[][] centroids) {
        public int count(int key) {
            return valueStart[key + 1] - valueStart[key];
        }
    }
}
