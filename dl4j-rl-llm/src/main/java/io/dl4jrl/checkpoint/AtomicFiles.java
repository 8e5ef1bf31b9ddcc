package io.dl4jrl.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes small text files (configurations, tables) so that a crash leaves the old file or the new one, never half. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes a file's whole contents into the temporary file it is given. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(Path temporary) throws IOException;
    }

    /** Writes {@code text} to a temporary file beside {@code file}, then renames it over {@code file}. */
    public static void writeString(Path file, String text) throws IOException {
        write(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /**
     * Has {@code contents} write a temporary file beside {@code file}, then renames it over {@code file}; a failure
     * (a full disk, a read-only folder) leaves the old file as it was, removes the temporary one and is reported as a
     * {@link FileWriteException} naming {@code file}.
     */
    public static void write(Path file, Contents contents) throws IOException {
        Path tmp = null;
        try {
            tmp = temporaryBeside(file);
            contents.writeTo(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw FileWriteException.of(file, e);
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * An empty temporary file in {@code file}'s directory, readable by others as a plainly created file is
     * (rw-r--r--): {@link Files#createTempFile} makes it owner-only, which the rename would carry to files meant for
     * other tools and users, such as an exported model.
     */
    public static Path temporaryBeside(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        if (Files.getFileStore(tmp).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        return tmp;
    }
}
