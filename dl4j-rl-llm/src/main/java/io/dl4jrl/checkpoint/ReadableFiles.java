package io.dl4jrl.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks an input file before it is read, so the error says what is wrong with it, not only its path. */
public final class ReadableFiles {
    private ReadableFiles() {
    }

    /** @param what the kind of file, for the message (e.g. "JSONL file") */
    public static void require(Path file, String what) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not " + article(what) + " " + what);
        }
        if (!Files.exists(file)) {
            throw new IOException(file + ": no such " + what);
        }
        if (!Files.isReadable(file)) {
            throw new IOException(file + ": the " + what + " is not readable (permissions?)");
        }
    }

    private static String article(String what) {
        return "aeiouAEIOUR".indexOf(what.charAt(0)) >= 0 ? "an" : "a"; // "an RL configuration file"
    }
}
