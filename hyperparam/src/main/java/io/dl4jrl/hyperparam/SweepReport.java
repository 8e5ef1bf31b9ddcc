package io.dl4jrl.hyperparam;

import io.dl4jrl.checkpoint.AtomicFiles;
import io.dl4jrl.rl.RlConfigJson;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every candidate of a finished sweep: its hyperparameters, status, score and run time, as a CSV, a console table
 * and the best configuration as a file {@code train --config} accepts.
 */
public record SweepReport(List<RlHyperparameter> hyperparameters, String scoreName, boolean minimize, List<Row> rows) {

    /**
     * @param result the training outcome; {@code null} for a failed candidate
     * @param error  the first line of the failure; {@code null} unless failed
     */
    public record Row(int index, RlCandidate candidate, CandidateStatus status, Double score, double seconds, String error,
                      RlTrainingResult result) {
    }

    public SweepReport {
        hyperparameters = List.copyOf(hyperparameters);
        rows = rows.stream().sorted(Comparator.comparingInt(Row::index)).toList();
    }

    /** The completed candidate with the best score. */
    public Optional<Row> best() {
        Comparator<Row> byScore = Comparator.comparingDouble(Row::score);
        return rows.stream().filter(r -> r.status() == CandidateStatus.Complete && r.score() != null)
                .max(minimize ? byScore.reversed() : byScore);
    }

    public long completed() {
        return rows.stream().filter(r -> r.status() == CandidateStatus.Complete).count();
    }

    public void writeCsv(Path file) throws IOException {
        StringBuilder s = new StringBuilder("candidate");
        for (RlHyperparameter h : hyperparameters) {
            s.append(',').append(h.key());
        }
        s.append(",score,status,seconds,error\n");
        for (Row r : rows) {
            s.append(r.index());
            for (RlHyperparameter h : hyperparameters) {
                Object v = r.candidate().hyperparameters().get(h);
                s.append(',').append(v == null ? "" : csv(RlHyperparameter.format(v)));
            }
            s.append(',').append(r.score() == null ? "" : String.format(Locale.ROOT, "%.6g", r.score()))
                    .append(',').append(status(r.status()))
                    .append(',').append(String.format(Locale.ROOT, "%.1f", r.seconds()))
                    .append(',').append(r.error() == null ? "" : csv(r.error())).append('\n');
        }
        AtomicFiles.writeString(file, s.toString());
    }

    /** Writes the best candidate's whole configuration; empty when no candidate completed. */
    public Optional<Path> writeBestConfig(Path file) throws IOException {
        Optional<Row> best = best();
        if (best.isEmpty()) {
            return Optional.empty();
        }
        RlConfigJson.write(file, best.get().candidate().config());
        return Optional.of(file);
    }

    public void print(PrintStream out) {
        List<String> header = new ArrayList<>(List.of("#"));
        hyperparameters.forEach(h -> header.add(h.key()));
        header.addAll(List.of(scoreName, "status", "seconds"));
        List<List<String>> table = new ArrayList<>();
        table.add(header);
        Optional<Row> best = best();
        for (Row r : rows) {
            List<String> line = new ArrayList<>();
            line.add((best.isPresent() && best.get().index() == r.index() ? "*" : "") + r.index());
            for (RlHyperparameter h : hyperparameters) {
                Object v = r.candidate().hyperparameters().get(h);
                line.add(v == null ? "" : RlHyperparameter.format(v));
            }
            line.add(r.score() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.score()));
            line.add(status(r.status()) + (r.error() == null ? "" : ": " + shorten(r.error())));
            line.add(String.format(Locale.ROOT, "%.0f", r.seconds()));
            table.add(line);
        }
        int[] widths = new int[header.size()];
        for (List<String> line : table) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        for (List<String> line : table) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < line.size(); i++) {
                s.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", line.get(i)));
            }
            out.println(s.toString().stripTrailing());
        }
        best.ifPresent(b -> out.printf(Locale.ROOT, "best: candidate %d, %s = %.4f: %s%n", b.index(), scoreName, b.score(),
                b.candidate().describe()));
    }

    /**
     * Arbiter marks a candidate Created when it hands it to an executor thread and changes it only when it ends; with
     * at most as many candidates handed out as threads, a Created one is running.
     */
    static String status(CandidateStatus s) {
        return s == CandidateStatus.Created ? "running" : s.name().toLowerCase(Locale.ROOT);
    }

    static String firstLine(String stackTrace) {
        if (stackTrace == null) {
            return "";
        }
        int nl = stackTrace.indexOf('\n');
        return (nl < 0 ? stackTrace : stackTrace.substring(0, nl)).trim();
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

}
