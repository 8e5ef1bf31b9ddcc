package io.dl4jrl.it;

import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.examples.ownmodel.OwnModelExample;
import io.dl4jrl.examples.ownmodel.TinyAttentionLm;
import io.dl4jrl.policy.CausalLms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code ./rl-llm example own-model} on a tiny graph: a SameDiff model none of the library's builders made goes
 * through SFT, GRPO with a KL reference, a checkpoint and a reload, and its held-out accuracy rises.
 */
class OwnModelIT {
    @TempDir
    Path dir;

    @Test
    void ownGraphTrainsThroughTheLibraryAndReloads() throws IOException {
        assertTrue(CausalLms.isRegistered(TinyAttentionLm.TYPE), "the example's model type is found as a Java service");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OwnModelExample.Outcome o = OwnModelExample.run(new OwnModelExample.Settings(64, 2, 300, 2, 50, 1), dir,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0.0, o.before().accuracy(), printed);
        assertTrue(o.afterSft().accuracy() > o.before().accuracy(), printed);
        assertTrue(o.afterRl().accuracy() > o.before().accuracy(), printed);
        assertEquals(o.afterRl().correct(), o.reloaded().correct(), "the reloaded model is the trained one\n" + printed);
        assertEquals(TinyAttentionLm.TYPE, CheckpointStore.load(o.checkpoint()).model().type());
        assertTrue(printed.contains("held-out greedy accuracy: 0.0% before"), printed);
    }
}
