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
    private final BufferedWriter out;

    public CsvMetricsListener(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (fresh) {
            out.write("step,phase,metric,value\n");
            out.flush();
        }
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
            throw new UncheckedIOException("cannot write metrics", e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
