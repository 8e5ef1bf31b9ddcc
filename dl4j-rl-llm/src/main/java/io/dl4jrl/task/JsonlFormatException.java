package io.dl4jrl.task;

import java.io.IOException;
import java.nio.file.Path;

/** A malformed row of a JSONL data file: the message names the file and the 1-based line, then what is wrong. */
public class JsonlFormatException extends IOException {
    private final Path file;
    private final int line;

    public JsonlFormatException(Path file, int line, String message) {
        super(file + ":" + line + ": " + message);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }
}
