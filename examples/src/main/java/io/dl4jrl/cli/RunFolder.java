package io.dl4jrl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An output folder a command writes a run into. A folder that already holds a run is refused unless the command
 * resumes it or was told {@code --overwrite}: writing over it would mix two runs' metrics and leave the old run's later
 * checkpoints beside the new ones.
 */
final class RunFolder {
    private static final List<String> RUN_FILES = List.of("metrics.csv", "final.ckpt", "plot.png", "health.json", "checkpoints");

    private RunFolder() {
    }

    /**
     * @param resuming  the command continues the run in {@code dir}
     * @param overwrite {@code --overwrite}: the earlier run's files are deleted first
     */
    static void claim(Path dir, boolean resuming, boolean overwrite) throws IOException {
        if (resuming || !Files.isDirectory(dir)) {
            return;
        }
        List<String> found = new ArrayList<>();
        for (String f : RUN_FILES) {
            if (Files.exists(dir.resolve(f))) {
                found.add(f);
            }
        }
        if (found.isEmpty()) {
            return;
        }
        if (!overwrite) {
            throw new IllegalArgumentException("--out " + dir + " holds an earlier run (" + String.join(", ", found)
                    + "); continue it with --resume, replace it with --overwrite, or choose another --out");
        }
        Path checkpoints = dir.resolve("checkpoints");
        if (Files.isDirectory(checkpoints)) {
            try (Stream<Path> files = Files.list(checkpoints)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(".ckpt") || name.endsWith(".tmp")) {
                        Files.delete(p);
                    }
                }
            }
        }
        for (String f : List.of("metrics.csv", "final.ckpt", "plot.png", "health.json")) {
            Files.deleteIfExists(dir.resolve(f));
        }
    }
}
