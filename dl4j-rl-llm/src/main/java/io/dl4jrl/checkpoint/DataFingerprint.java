package io.dl4jrl.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * What a run trained and evaluated on, as counts and SHA-256 digests of the items' texts in order. A run resumes
 * exactly only on the data it started with: the data order is a function of (seed, step) over the item list, so
 * another split size, task seed or data file would silently train a different run. A checkpoint stores the
 * fingerprint and {@link #requireSame} refuses a resume on other data, naming what differs.
 *
 * @param trainItems   training items
 * @param trainDigest  SHA-256 (first 16 hex digits) over the training items' texts, length-prefixed, in order
 * @param heldOutItems held-out items
 * @param heldOutDigest the same over the held-out items
 */
public record DataFingerprint(int trainItems, String trainDigest, int heldOutItems, String heldOutDigest) {
    /** Settings that choose a run's data, named in the refusal so the user knows where to look. */
    private static final String DATA_OPTIONS = "--task, --train-size, --test-size, --levels, --task-seed, --gsm8k-dir or the data files";

    /** @param text an item's full content (every field that reaches training or evaluation) */
    public static <T> DataFingerprint of(List<T> train, List<T> heldOut, Function<T, String> text) {
        return new DataFingerprint(train.size(), digest(train, text), heldOut.size(), digest(heldOut, text));
    }

    private static <T> String digest(List<T> items, Function<T, String> text) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
        ByteBuffer length = ByteBuffer.allocate(Integer.BYTES);
        for (T item : items) {
            byte[] bytes = text.apply(item).getBytes(StandardCharsets.UTF_8);
            // Length-prefixed so that ["ab","c"] and ["a","bc"] differ.
            sha.update(length.clear().putInt(bytes.length).array());
            sha.update(bytes);
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("trainItems", trainItems).put("trainDigest", trainDigest).put("heldOutItems", heldOutItems).put("heldOutDigest", heldOutDigest);
        return n;
    }

    /** The fingerprint a checkpoint stores, or {@code null} for one written before fingerprints (nothing to compare). */
    public static DataFingerprint fromJson(JsonNode n) {
        if (n == null || !n.isObject() || !n.has("trainDigest")) {
            return null;
        }
        return new DataFingerprint(n.path("trainItems").asInt(), n.path("trainDigest").asText(), n.path("heldOutItems").asInt(),
                n.path("heldOutDigest").asText());
    }

    /**
     * Refuses {@code now} unless it equals {@code saved}; a {@code null} saved fingerprint (an older checkpoint) passes.
     *
     * @param where names the checkpoint in the error
     */
    public static void requireSame(DataFingerprint saved, DataFingerprint now, String where) {
        if (saved == null || saved.equals(now)) {
            return;
        }
        List<String> differences = new ArrayList<>();
        describe("training", saved.trainItems, saved.trainDigest, now.trainItems, now.trainDigest, differences);
        describe("held-out", saved.heldOutItems, saved.heldOutDigest, now.heldOutItems, now.heldOutDigest, differences);
        throw new IllegalArgumentException(where + " was trained on other data; resume with the same data (" + DATA_OPTIONS
                + ") or start a new run: " + String.join("; ", differences));
    }

    private static void describe(String split, int savedItems, String savedDigest, int nowItems, String nowDigest, List<String> out) {
        if (savedItems != nowItems) {
            out.add(split + " items were " + savedItems + ", now " + nowItems);
        } else if (!savedDigest.equals(nowDigest)) {
            out.add(split + " items were the same count (" + savedItems + ") with other content (digest " + savedDigest + ", now " + nowDigest + ")");
        }
    }
}
