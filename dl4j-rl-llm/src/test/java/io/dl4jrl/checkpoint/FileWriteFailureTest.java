package io.dl4jrl.checkpoint;

import io.dl4jrl.train.CsvMetricsListener;
import io.dl4jrl.train.StepMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A write that fails (a full disk) names the file, keeps the old contents and leaves no temporary file. */
class FileWriteFailureTest {
    @TempDir
    Path dir;

    @Test
    void aFailedAtomicWriteNamesTheFileAndKeepsTheOldOne() throws IOException {
        Path file = dir.resolve("latest.ckpt");
        Files.writeString(file, "old");
        FileWriteException e = assertThrows(FileWriteException.class, () -> AtomicFiles.write(file, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("No space left on device");
        }));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith("cannot write " + file + ": No space left on device ("), e.getMessage());
        assertTrue(e.getMessage().contains("free on its file system"), e.getMessage());
        assertEquals("old", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "the temporary file is removed");
        }
    }

    @Test
    void aFolderThatCannotBeCreatedIsNamed() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where a folder should be");
        Path file = blocker.resolve("run").resolve("config.json");
        FileWriteException e = assertThrows(FileWriteException.class, () -> AtomicFiles.writeString(file, "{}"));
        assertTrue(e.getMessage().startsWith("cannot write " + file + ": "), e.getMessage());
    }

    /** /dev/full answers every write with ENOSPC, as a full disk does (Linux). */
    @Test
    void metricsOnAFullDeviceNameTheFile() throws IOException {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs Linux's /dev/full");
        CsvMetricsListener metrics;
        try {
            metrics = new CsvMetricsListener(full);
        } catch (FileWriteException e) {
            assertTrue(e.getMessage().startsWith("cannot write /dev/full: No space left on device"), e.getMessage());
            return;
        }
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> metrics.onStep(new StepMetrics(1, "rl", Map.of("loss", 1.0))));
        assertTrue(e.getMessage().startsWith("cannot write /dev/full: No space left on device"), e.getMessage());
    }
}
