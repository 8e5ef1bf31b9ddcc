package io.dl4jrl.checkpoint;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

class DataFingerprintTest {
    final Function<String, String> text = Function.identity();

    @Test
    void sameItemsInTheSameOrderGiveTheSameFingerprint() {
        DataFingerprint a = DataFingerprint.of(List.of("x", "yz"), List.of("q"), text);
        assertEquals(a, DataFingerprint.of(List.of("x", "yz"), List.of("q"), text));
        assertEquals(a, DataFingerprint.fromJson(a.toJson()));
        assertEquals(2, a.trainItems());
        assertEquals(16, a.trainDigest().length());
        // Order and item boundaries both count: the data order is a function of the item list.
        assertNotEquals(a.trainDigest(), DataFingerprint.of(List.of("yz", "x"), List.of("q"), text).trainDigest());
        assertNotEquals(a.trainDigest(), DataFingerprint.of(List.of("xy", "z"), List.of("q"), text).trainDigest());
    }

    @Test
    void otherDataIsRefusedNamingEachSplit() {
        DataFingerprint saved = DataFingerprint.of(List.of("a", "b"), List.of("c"), text);
        DataFingerprintTest.assertRefused(saved, DataFingerprint.of(List.of("a"), List.of("c"), text), "training items were 2, now 1");
        String m = DataFingerprintTest.assertRefused(saved, DataFingerprint.of(List.of("a", "b"), List.of("d"), text),
                "held-out items were the same count (1) with other content");
        assertFalse(m.contains("training"), m);
        DataFingerprint.requireSame(saved, DataFingerprint.of(List.of("a", "b"), List.of("c"), text), "ckpt");
    }

    @Test
    void aCheckpointWithoutAFingerprintIsNotChecked() {
        assertNull(DataFingerprint.fromJson(null));
        assertNull(DataFingerprint.fromJson(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()));
        DataFingerprint.requireSame(null, DataFingerprint.of(List.of("a"), List.of(), text), "ckpt");
    }

    private static String assertRefused(DataFingerprint saved, DataFingerprint now, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataFingerprint.requireSame(saved, now, "checkpoint 'x' at step 3"));
        assertTrue(e.getMessage().startsWith("checkpoint 'x' at step 3 was trained on other data") && e.getMessage().contains(expected), e.getMessage());
        return e.getMessage();
    }
}
