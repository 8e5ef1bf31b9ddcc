package io.dl4jrl.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * RRL's buffer of promising intermediate states. An identical state (same problem, same prefix) is kept once,
 * with the higher of its values; when full, the lowest-valued state goes, the oldest among equals, and a newcomer
 * worth less than every stored state is turned away. Saved with RL checkpoints ({@link #toJson}).
 */
public final class ReplayBuffer {

    /**
     * @param problemId  the problem the state belongs to
     * @param prefix     response tokens up to the step boundary (the prompt is rebuilt from the problem)
     * @param step       how many steps the prefix holds
     * @param value      the state's estimated value when it was admitted
     * @param iteration  the iteration it was found in
     * @param solvedFromScratch set once a fresh rollout (from the bare prompt) solved the problem after admission
     */
    public record Entry(String problemId, int[] prefix, int step, double value, long iteration, boolean solvedFromScratch) {
        String key() {
            return problemId + "|" + Arrays.toString(prefix);
        }

        Entry solved() {
            return new Entry(problemId, prefix, step, value, iteration, true);
        }
    }

    private final int capacity;
    private final Map<String, Entry> entries = new LinkedHashMap<>(); // insertion order = age

    public ReplayBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Admits {@code e}; returns whether the buffer now holds it (or a higher-valued copy of the same state). */
    public boolean offer(Entry e) {
        Entry same = entries.get(e.key());
        if (same != null) {
            if (e.value() > same.value()) {
                entries.put(e.key(), new Entry(e.problemId(), e.prefix(), e.step(), e.value(), same.iteration(), same.solvedFromScratch()));
            }
            return true;
        }
        if (entries.size() >= capacity) {
            Entry lowest = entries.values().stream().min(Comparator.comparingDouble(Entry::value)).orElseThrow(); // first = oldest
            if (e.value() <= lowest.value()) {
                return false;
            }
            entries.remove(lowest.key());
        }
        entries.put(e.key(), e);
        return true;
    }

    /** Up to {@code n} distinct states drawn uniformly. */
    public List<Entry> sample(int n, SplittableRandom random) {
        List<Entry> all = new ArrayList<>(entries.values());
        for (int i = all.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Entry t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        return all.subList(0, Math.min(n, all.size()));
    }

    /** Marks every state of {@code problemId} found before {@code iteration} as solved from scratch. */
    public void solvedFromScratch(String problemId, long iteration) {
        entries.replaceAll((k, e) -> e.problemId().equals(problemId) && e.iteration() < iteration ? e.solved() : e);
    }

    public int size() {
        return entries.size();
    }

    public int capacity() {
        return capacity;
    }

    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    public long solvedFromScratchCount() {
        return entries.values().stream().filter(Entry::solvedFromScratch).count();
    }

    public JsonNode toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("capacity", capacity);
        ArrayNode list = root.putArray("entries");
        for (Entry e : entries.values()) {
            list.add(json.valueToTree(e));
        }
        return root;
    }

    /** Rebuilds a buffer written by {@link #toJson}; {@code source} names the file in errors. */
    public static ReplayBuffer fromJson(JsonNode node, String source) {
        if (node == null || !node.has("capacity") || !node.path("entries").isArray()) {
            throw new IllegalArgumentException(source + ": no replay buffer (expected 'capacity' and an 'entries' array)");
        }
        ReplayBuffer b = new ReplayBuffer(node.get("capacity").asInt());
        ObjectMapper json = new ObjectMapper();
        int i = 0;
        for (JsonNode n : node.get("entries")) {
            try {
                Entry e = json.treeToValue(n, Entry.class);
                b.entries.put(e.key(), e);
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalArgumentException(source + ": replay buffer entry " + i + " is malformed: " + ex.getOriginalMessage(), ex);
            }
            i++;
        }
        return b;
    }
}
