package io.dl4jrl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident memory (Linux {@code VmHWM}, what {@code /usr/bin/time -v} reports at exit), resettable
 * so that each bench section reports its own peak: writing 5 to {@code /proc/self/clear_refs} resets the high-water mark
 * to the current RSS. Elsewhere both are -1 / no-ops.
 */
final class PeakRss {
    private PeakRss() {
    }

    static void reset() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            // not Linux, or not allowed: the peak then covers the whole process so far
        }
    }

    /** Peak RSS in MB since the last reset (or process start); -1 where unknown. */
    static long peakMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
