package io.dl4jrl.task;

import io.dl4jrl.rl.RlConfigJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Bad input files are refused with the file, the line where it has one, and what is wrong. */
class InputFilesTest {
    @TempDir
    Path dir;

    @Test
    void binaryMissingAndDirectoryInputsAreNamed() throws IOException {
        Path binary = dir.resolve("train.jsonl");
        Files.write(binary, new byte[]{'{', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}', '\n'});
        IOException e = assertThrows(IOException.class, () -> Gsm8kJsonl.load(binary));
        assertTrue(e.getMessage().startsWith(binary + ":1: not UTF-8"), e.getMessage());
        Path missing = dir.resolve("absent.jsonl");
        e = assertThrows(IOException.class, () -> Gsm8kJsonl.load(missing));
        assertTrue(e.getMessage().contains("no such JSONL file"), e.getMessage());
        e = assertThrows(IOException.class, () -> RlConfigJson.read(dir));
        assertTrue(e.getMessage().contains("is a directory, not an RL configuration file"), e.getMessage());
    }
}
