package io.dl4jrl.train;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * Appends every metric to a CSV in long ("tidy") form, {@code step,phase,metric,value}, flushed each
 * step: new metrics never change the columns, and a crashed run keeps everything up to its last step.
 * Evaluations are written with phase {@code eval}: {@code accuracy}, {@code accuracy_level_<n>},
 * {@code pass_at_<k>}, {@code mean_response_length}.
 */
public final class CsvMetricsListener implements TrainingListener, Closeable {
    private final Path file;
    private final BufferedWriter out;

    public CsvMetricsListener(Path file) throws IOException {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (fresh) {
                out.write("step,phase,metric,value\n");
                out.flush();
            }
        } catch (IOException e) {
            throw io.dl4jrl.checkpoint.FileWriteException.of(file, e);
        }
    }

    /**
     * The metrics file of a run that continues from a checkpoint at {@code step}: rows of later steps (written after that
     * checkpoint by a run that was then killed) and a half-written last line are dropped first, atomically, so the
     * continued run's rows follow without duplicates. {@code step} 0 starts the file afresh.
     */
    public static CsvMetricsListener continuing(Path file, long step) throws IOException {
        if (step == 0) {
            Files.deleteIfExists(file);
        } else if (Files.exists(file)) {
            StringBuilder kept = new StringBuilder();
            String content = Files.readString(file, StandardCharsets.UTF_8);
            String[] lines = content.split("\n", -1);
            boolean complete = content.endsWith("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isEmpty() || (i == lines.length - 1 && !complete)) {
                    continue; // the trailing empty piece, or a line cut by a kill
                }
                if (i == 0 && line.startsWith("step,")) {
                    kept.append(line).append('\n');
                    continue;
                }
                int comma = line.indexOf(',');
                long rowStep;
                try {
                    rowStep = Long.parseLong(line.substring(0, Math.max(0, comma)));
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + (i + 1) + ": not a metrics row: " + line);
                }
                if (rowStep <= step && line.split(",", -1).length == 4) {
                    kept.append(line).append('\n');
                }
            }
            io.dl4jrl.checkpoint.AtomicFiles.writeString(file, kept.toString());
        }
        return new CsvMetricsListener(file);
    }

    @Override
    public void onStep(StepMetrics metrics) {
        write(metrics.step(), metrics.phase(), metrics.values());
    }

    @Override
    public void onEvaluation(long step, EvalResult r) {
        write(step, "eval", r.metrics());
    }

    private synchronized void write(long step, String phase, Map<String, Double> values) {
        try {
            for (Map.Entry<String, Double> e : values.entrySet()) {
                out.write(step + "," + phase + "," + e.getKey() + "," + String.format(Locale.ROOT, "%.6g", e.getValue()) + "\n");
            }
            out.flush();
        } catch (IOException e) {
            IOException failure = io.dl4jrl.checkpoint.FileWriteException.of(file, e);
            throw new UncheckedIOException(failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
