package io.dl4jrl.hf;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file (or shard index) that breaks the format; the message names the file and what is wrong. */
public final class SafetensorsFormatException extends IOException {
    public SafetensorsFormatException(Path file, String message) {
        super(file + ": " + message);
    }

    public SafetensorsFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
