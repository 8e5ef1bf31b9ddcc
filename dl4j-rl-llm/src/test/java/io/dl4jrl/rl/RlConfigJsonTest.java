package io.dl4jrl.rl;

import io.dl4jrl.graphs.rl.LossAggregation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RlConfigJsonTest {
    @TempDir
    Path dir;

    @Test
    void aWrittenConfigReadsBackEqual() throws IOException {
        RlConfig c = RlConfig.vineppo().learningRate(3e-5).groupSize(6).aggregation(LossAggregation.SEQ_MEAN_TOKEN_SUM)
                .vine(VineConfig.builder().rollouts(5).build()).replay(ReplayConfig.off()).build();
        Path f = dir.resolve("best-config.json");
        RlConfigJson.write(f, c);
        assertEquals(c, RlConfigJson.read(f));
        assertTrue(Files.readString(f).contains("\"learningRate\" : 3.0E-5"), Files.readString(f));
    }

    @Test
    void aPartialFileIsLaidOverItsAlgorithmsPreset() throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"algorithm\": \"ppo\", \"learningRate\": 1e-4, \"vine\": {\"rollouts\": 3}}");
        RlConfig c = RlConfigJson.read(f);
        RlConfig preset = RlConfig.ppo().build();
        assertEquals(preset.toBuilder().learningRate(1e-4).vine(preset.vine().toBuilder().rollouts(3).build()).build(), c);
        Files.writeString(f, "{}");
        assertEquals(RlConfig.grpo().build(), RlConfigJson.read(f));
    }

    @Test
    void badFilesNameTheFileAndTheField() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"learningRat\": 1e-4}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RlConfigJson.read(f));
        assertTrue(e.getMessage().startsWith(f + ": unknown field 'learningRat'"), e.getMessage());

        Files.writeString(f, "{\"vine\": {\"rolouts\": 3}}");
        e = assertThrows(IllegalArgumentException.class, () -> RlConfigJson.read(f));
        assertTrue(e.getMessage().contains("unknown field 'vine.rolouts'"), e.getMessage());

        Files.writeString(f, "{\"groupSize\": \"eight\"}");
        e = assertThrows(IllegalArgumentException.class, () -> RlConfigJson.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("groupSize"), e.getMessage());

        Files.writeString(f, "{\"learningRate\": -1}");
        e = assertThrows(IllegalArgumentException.class, () -> RlConfigJson.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("learningRate must be positive"), e.getMessage());

        Files.writeString(f, "{\"algorithm\": \"dqn\"}");
        e = assertThrows(IllegalArgumentException.class, () -> RlConfigJson.read(f));
        assertTrue(e.getMessage().contains("field 'algorithm'") && e.getMessage().contains("dqn"), e.getMessage());

        Files.writeString(f, "{\"learningRate\": 1e-4,\n  oops}");
        e = assertThrows(IllegalArgumentException.class, () -> RlConfigJson.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2: not JSON"), e.getMessage());
    }

    @Test
    void groupedFilesLoadAndFlatOnesAreMovedIntoTheirGroups() throws IOException {
        Path grouped = dir.resolve("grouped.json");
        Files.writeString(grouped, "{\"algorithm\": \"rloo\", \"optimization\": {\"learningRate\": 2e-5}, \"sampling\": {\"groupSize\": 4}}");
        RlConfig expected = RlConfig.rloo().learningRate(2e-5).groupSize(4).build();
        assertEquals(expected, RlConfigJson.read(grouped));
        Path flat = dir.resolve("flat.json");
        Files.writeString(flat, "{\"algorithm\": \"rloo\", \"learningRate\": 2e-5, \"groupSize\": 4}");
        assertEquals(expected, RlConfigJson.read(flat), "a file of the flat layout loads");
        Path written = dir.resolve("written.json");
        RlConfigJson.write(written, expected);
        assertTrue(Files.readString(written).contains("\"optimization\""), Files.readString(written));
        Path both = dir.resolve("both.json");
        Files.writeString(both, "{\"learningRate\": 2e-5, \"optimization\": {\"learningRate\": 3e-5}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RlConfigJson.read(both));
        assertTrue(e.getMessage().contains("'learningRate' is given twice") && e.getMessage().contains("optimization.learningRate"), e.getMessage());
    }

    @Test
    void silentlyBadSettingsAreRefusedNamingTheField() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RlConfig.grpo().groupSize(1).build());
        assertTrue(e.getMessage().contains("groupSize must be at least 2") && e.getMessage().contains("'grpo'"), e.getMessage());
        assertEquals(1, RlConfig.ppo().groupSize(1).build().sampling().groupSize(), "a critic's advantages need no group");
        e = assertThrows(IllegalArgumentException.class, () -> RlConfig.grpo().temperature(1e308).build());
        assertTrue(e.getMessage().contains("temperature must be in"), e.getMessage());
        Path f = dir.resolve("fraction.json");
        Files.writeString(f, "{\"sampling\": {\"groupSize\": 2.5}}");
        e = assertThrows(IllegalArgumentException.class, () -> RlConfigJson.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("groupSize"), e.getMessage());
    }
}
