package io.dl4jrl.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A file the library could not write, named with the cause: the JDK's own message for a full disk is only "No space
 * left on device", which leaves a user guessing which of a run's files (checkpoint, metrics, export) and which disk.
 */
public final class FileWriteException extends IOException {
    private final transient Path file;

    private FileWriteException(Path file, String message, IOException cause) {
        super(message, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** {@code cause} as a failure to write {@code file}, with the space left on its file system where it can be read. */
    public static FileWriteException of(Path file, IOException cause) {
        if (cause instanceof FileWriteException w && w.file.equals(file)) {
            return w;
        }
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new FileWriteException(file, "cannot write " + file + ": " + reason + freeSpace(file), cause);
    }

    private static String freeSpace(Path file) {
        try {
            Path existing = file.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return "";
            }
            long free = Files.getFileStore(existing).getUsableSpace();
            return String.format(Locale.ROOT, " (%s free on its file system)", bytes(free));
        } catch (IOException | RuntimeException e) {
            return ""; // the space is a hint only; the failure itself is what is reported
        }
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024L * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.1f GiB", b / (1024.0 * 1024 * 1024));
    }
}
