package io.dl4jrl.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shows an image in a notebook cell's output. Under {@link NotebookExecutor} the PNG is copied into the folder the
 * system property {@value #DISPLAY_DIR} names, and the executor attaches it to the cell as {@code image/png} display
 * data. A file hand-off, not shared state: JShell loads the project's classes with its own class loader, so this
 * class's statics are not the executor's. Outside the executor (a plain JVM, another kernel) it prints the path.
 */
public final class Display {
    public static final String DISPLAY_DIR = "dl4jrl.notebook.display";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Display() {
    }

    /** Shows the PNG file {@code png}. */
    public static void png(Path png) {
        String dir = System.getProperty(DISPLAY_DIR);
        if (dir == null) {
            System.out.println("[image: " + png.toAbsolutePath() + "]");
            return;
        }
        try {
            Files.copy(png, Path.of(dir).resolve(String.format("%s-%06d.png", ProcessHandle.current().pid(), COUNTER.incrementAndGet())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot display " + png + ": " + e.getMessage(), e);
        }
    }
}
