package io.dl4jrl.cli;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Plots the same metrics from several runs side by side (one panel per metric, one line per run), e.g. OPO
 * against GRPO from the same SFT start, and prints each run's last value of each metric.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Plot metrics of several runs together: compare --metrics eval/accuracy,entropy opo=runs/opo grpo=runs/grpo")
final class CompareCommand implements Callable<Integer> {
    @Parameters(description = "runs as label=folder (the folder holds metrics.csv), or label=folder1,folder2,... for runs of several "
            + "seeds: plotted as their mean with +-1 standard deviation bars, printed as mean +- std", arity = "1..*")
    List<String> runs;
    @Option(names = "--metrics", split = ",", description = "metrics as phase/name or just name (any training phase) (default: ${DEFAULT-VALUE})")
    List<String> metrics = List.of("eval/accuracy", "reward_mean", "entropy", "kl_to_reference");
    @Option(names = "--out", description = "PNG to write (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "compare.png");
    @Option(names = "--reach", description = "for each run, when it first reaches the first run's final value of this "
            + "metric (e.g. eval/accuracy): iteration, gradient steps and training seconds (sampling, vine rollouts, "
            + "scoring, update; evaluations and diagnostics not counted); default: off")
    String reach;
    @Option(names = "--target", description = "with --reach: this value as the goal for every run and seed, instead of the first "
            + "run's final value (of the same seed) (default: none, that final value)")
    Double target;
    @Option(names = "--table", description = "also print each metric as a Markdown table: one row per run, one column per iteration "
            + "every seed reports, cells mean +- standard deviation over the seeds (accuracies and pass@k in percent)")
    boolean table;
    @Option(names = "--table-every", description = "with --table: a column every N iterations (and the last), 0 = every iteration "
            + "reported (default: ${DEFAULT-VALUE})")
    int tableEvery = 0;
    @Option(names = "--health", description = "plot the training-health signals (entropy, KL to the reference, reward, response length, "
            + "clip fraction, sampler mismatch) with held-out accuracy instead of --metrics, and list each run's health.json trips")
    boolean health;

    /** Seconds of an iteration that count as training time. */
    private static final List<String> TRAINING_TIME = List.of("time_sampling_s", "time_vine_rollouts_s", "time_scoring_s", "time_update_s");

    @Override
    public Integer call() throws IOException {
        if (health) {
            List<String> signals = new ArrayList<>(List.of("eval/accuracy"));
            signals.addAll(io.dl4jrl.health.HealthSignals.metrics());
            metrics = signals;
        }
        Map<String, List<Map<String, List<double[]>>>> seedsByRun = new LinkedHashMap<>();
        for (String run : runs) {
            int eq = run.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("run '" + run + "' is not label=folder");
            }
            List<Map<String, List<double[]>>> seeds = new ArrayList<>();
            for (String folder : run.substring(eq + 1).split(",")) {
                seeds.add(read(Path.of(folder).resolve("metrics.csv")));
            }
            seedsByRun.put(run.substring(0, eq), seeds);
        }
        List<Chart<?, ?>> charts = new ArrayList<>();
        for (String metric : metrics) {
            XYChart chart = new XYChartBuilder().width(600).height(350).title(metric).xAxisTitle("iteration").build();
            Map<String, double[][]> bands = new LinkedHashMap<>(); // by run, for --table
            for (Map.Entry<String, List<Map<String, List<double[]>>>> run : seedsByRun.entrySet()) {
                double[][] band = acrossSeeds(run.getValue(), metric);
                if (band == null) {
                    continue;
                }
                bands.put(run.getKey(), band);
                int seeds = run.getValue().size();
                var series = seeds > 1 ? chart.addSeries(run.getKey(), band[0], band[1], band[2]) : chart.addSeries(run.getKey(), band[0], band[1]);
                series.setMarker(SeriesMarkers.CIRCLE);
                int last = band[0].length - 1;
                if (seeds > 1) {
                    System.out.printf(Locale.ROOT, "%-28s %-10s last %.4g +- %.2g (at %d, %d seeds)%n", metric, run.getKey(), band[1][last],
                            band[2][last], (long) band[0][last], seeds);
                } else {
                    System.out.printf(Locale.ROOT, "%-28s %-10s last %.4g (at %d)%n", metric, run.getKey(), band[1][last], (long) band[0][last]);
                }
            }
            if (!chart.getSeriesMap().isEmpty()) {
                charts.add(chart);
                if (table) {
                    printTable(metric, bands, seedsByRun);
                }
            }
        }
        if (charts.isEmpty()) {
            throw new IOException("none of the metrics " + metrics + " is in the runs' metrics.csv");
        }
        if (reach != null) {
            printReach(seedsByRun);
        }
        if (health) {
            printTrips();
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        saveGrid(charts, out);
        System.out.println("wrote " + out);
        return 0;
    }

    /**
     * The charts two to a row in one PNG. XChart's own grid ({@code BitmapEncoder.saveBitmap(List, rows, cols, ...)}) reads
     * rows x cols charts and fails on an odd count (IndexOutOfBoundsException for 3 metrics), so each chart is painted into
     * its cell of one image here.
     */
    private static void saveGrid(List<Chart<?, ?>> charts, Path out) throws IOException {
        int cols = Math.min(2, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        int w = charts.get(0).getWidth();
        int h = charts.get(0).getHeight();
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(cols * w, rows * h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, cols * w, rows * h);
        for (int i = 0; i < charts.size(); i++) {
            java.awt.Graphics2D cell = (java.awt.Graphics2D) g.create((i % cols) * w, (i / cols) * h, w, h);
            charts.get(i).paint(cell, w, h);
            cell.dispose();
        }
        g.dispose();
        javax.imageio.ImageIO.write(image, "png", out.toFile());
    }

    /**
     * x, mean and (population) standard deviation of {@code metric} over the seeds, at the iterations every seed reports;
     * null when none does.
     */
    private static double[][] acrossSeeds(List<Map<String, List<double[]>>> seeds, String metric) {
        java.util.TreeMap<Double, List<Double>> byX = new java.util.TreeMap<>();
        for (Map<String, List<double[]>> seed : seeds) {
            for (double[] p : find(seed, metric)) {
                byX.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]);
            }
        }
        byX.values().removeIf(v -> v.size() != seeds.size());
        if (byX.isEmpty()) {
            return null;
        }
        double[][] out = new double[3][byX.size()];
        int i = 0;
        for (Map.Entry<Double, List<Double>> e : byX.entrySet()) {
            double[] meanStd = meanAndStd(e.getValue().stream().mapToDouble(Double::doubleValue).toArray());
            out[0][i] = e.getKey();
            out[1][i] = meanStd[0];
            out[2][i] = meanStd[1];
            i++;
        }
        return out;
    }

    /** Each run's health.json status and trips (runs written before the monitors have none). */
    private void printTrips() throws IOException {
        for (String spec : runs) {
            int eq = spec.indexOf('=');
            for (String folder : spec.substring(eq + 1).split(",")) {
                printTrips(spec.substring(0, eq), Path.of(folder));
            }
        }
    }

    private static void printTrips(String label, Path folder) throws IOException {
        Path file = folder.resolve("health.json");
        if (!Files.isRegularFile(file)) {
            System.out.printf(Locale.ROOT, "health %-10s %s: no health.json%n", label, folder);
            return;
        }
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a health summary: " + e.getMessage(), e);
        }
        System.out.printf(Locale.ROOT, "health %-10s %s: %s%n", label, folder, root.path("status").asText("?"));
        for (com.fasterxml.jackson.databind.JsonNode t : root.path("trips")) {
            System.out.printf(Locale.ROOT, "  iteration %d: %s: %s%n", t.path("step").asLong(), t.path("signal").asText(),
                    t.path("reading").asText());
        }
    }

    /**
     * For each run and seed: the first iteration (after the start) at which {@link #reach} is at least the goal, with the
     * gradient steps and training seconds spent until then. The goal is {@link #target}, or else the first run's final value
     * of the same seed (seeds pair by their position in the folder lists), so "reaching PPO's accuracy" compares like with
     * like.
     */
    private void printReach(Map<String, List<Map<String, List<double[]>>>> seedsByRun) {
        Map.Entry<String, List<Map<String, List<double[]>>>> first = seedsByRun.entrySet().iterator().next();
        int seeds = seedsByRun.values().stream().mapToInt(List::size).min().orElse(0);
        double[] goals = new double[seeds];
        for (int s = 0; s < seeds; s++) {
            List<double[]> ref = find(first.getValue().get(s), reach);
            if (ref.isEmpty()) {
                throw new IllegalArgumentException("--reach: run '" + first.getKey() + "' has no metric '" + reach + "'");
            }
            goals[s] = target != null ? target : ref.get(ref.size() - 1)[1];
            String what = target != null ? "the target" : first.getKey() + "'s final value";
            System.out.printf(Locale.ROOT, "reaching %s = %.4g (%s%s):%n", reach, goals[s], what, seeds > 1 ? ", seed " + (s + 1) : "");
            if (target == null && ref.get(0)[0] == 0 && ref.get(0)[1] >= goals[s]) {
                System.out.printf(Locale.ROOT, "  (%s ended no higher than it started, %.4g: there is no gain to reach)%n", first.getKey(),
                        ref.get(0)[1]);
            }
        }
        for (Map.Entry<String, List<Map<String, List<double[]>>>> run : seedsByRun.entrySet()) {
            List<double[]> hits = new ArrayList<>(); // iteration, gradient steps, seconds
            for (int s = 0; s < seeds; s++) {
                Map<String, List<double[]>> series = run.getValue().get(s);
                double goal = goals[s];
                double[] hit = find(series, reach).stream().filter(p -> p[0] > 0 && p[1] >= goal).findFirst().orElse(null);
                String label = seeds > 1 ? run.getKey() + " #" + (s + 1) : run.getKey();
                if (hit == null) {
                    System.out.printf(Locale.ROOT, "  %-14s never%n", label);
                    continue;
                }
                long step = (long) hit[0];
                double seconds = 0;
                for (String t : TRAINING_TIME) {
                    seconds += sumUpTo(find(series, t), step);
                }
                double gradientSteps = sumUpTo(find(series, "gradient_steps"), step);
                hits.add(new double[]{step, gradientSteps, seconds});
                System.out.printf(Locale.ROOT, "  %-14s iteration %d, %.0f gradient steps, %.0f s of training%n", label, step, gradientSteps, seconds);
            }
            if (seeds > 1 && !hits.isEmpty()) {
                System.out.printf(Locale.ROOT, "  %-14s reached in %d of %d seeds; when reached: iteration %s, gradient steps %s, %s s of training%n",
                        run.getKey(), hits.size(), seeds, meanStd(hits, 0), meanStd(hits, 1), meanStd(hits, 2));
            }
        }
    }

    /** Three significant digits, without an exponent for the magnitudes metrics have (1e-3 .. 1e4). */
    private static String number(double v) {
        double a = Math.abs(v);
        if (a == 0 || a >= 1e4 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(a)));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String meanStd(List<double[]> rows, int column) {
        double[] meanStd = meanAndStd(rows.stream().mapToDouble(r -> r[column]).toArray());
        return String.format(Locale.ROOT, "%.0f +- %.0f", meanStd[0], meanStd[1]);
    }

    /** Mean and population standard deviation of {@code values} (0 and 0 for none). */
    private static double[] meanAndStd(double[] values) {
        double mean = java.util.Arrays.stream(values).average().orElse(0);
        double var = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).average().orElse(0);
        return new double[]{mean, Math.sqrt(var)};
    }

    /**
     * {@code metric} as a Markdown table, runs by iterations, cells mean +- std over the seeds (only the mean for one seed).
     *
     * @param bands each run's {@link #acrossSeeds} band of the metric, as the plot drew it
     */
    private void printTable(String metric, Map<String, double[][]> bands, Map<String, List<Map<String, List<double[]>>>> seedsByRun) {
        java.util.TreeSet<Double> xs = new java.util.TreeSet<>();
        for (double[][] band : bands.values()) {
            for (double x : band[0]) {
                xs.add(x);
            }
        }
        if (tableEvery > 0 && !xs.isEmpty()) {
            double last = xs.last();
            xs.removeIf(x -> x != last && (long) (double) x % tableEvery != 0);
        }
        // Accuracies and pass@k are fractions: the table shows them in percent, as the docs do.
        double scale = metric.contains("accuracy") || metric.contains("pass_at_") ? 100 : 1;
        StringBuilder head = new StringBuilder("| " + metric + ", iteration |");
        StringBuilder rule = new StringBuilder("|---|");
        for (double x : xs) {
            head.append(' ').append((long) x).append(" |");
            rule.append("---|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (Map.Entry<String, double[][]> run : bands.entrySet()) {
            int seeds = seedsByRun.get(run.getKey()).size();
            StringBuilder row = new StringBuilder("| " + run.getKey() + (seeds > 1 ? " (" + seeds + " seeds)" : "") + " |");
            double[][] band = run.getValue();
            for (double x : xs) {
                int i = java.util.Arrays.binarySearch(band[0], x);
                if (i < 0) {
                    row.append(" – |");
                } else if (seeds > 1) {
                    // Seeds that agree exactly leave a rounding residue (1e-15) in the standard deviation.
                    double std = band[2][i] <= 1e-9 * Math.abs(band[1][i]) ? 0 : band[2][i];
                    row.append(' ').append(number(scale * band[1][i])).append(" ± ")
                            .append(std == 0 ? "0" : String.format(Locale.ROOT, "%.2g", scale * std)).append(" |");
                } else {
                    row.append(' ').append(number(scale * band[1][i])).append(" |");
                }
            }
            System.out.println(row);
        }
    }

    private static double sumUpTo(List<double[]> points, long step) {
        return points.stream().filter(p -> p[0] <= step).mapToDouble(p -> p[1]).sum();
    }

    private static List<double[]> find(Map<String, List<double[]>> series, String metric) {
        if (metric.contains("/")) {
            return series.getOrDefault(metric, List.of());
        }
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            if (!e.getKey().startsWith("eval/") && e.getKey().endsWith("/" + metric)) {
                return e.getValue();
            }
        }
        return List.of();
    }

    private static Map<String, List<double[]>> read(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new IOException(csv + ": no metrics file");
        }
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            if (i == 0 && lines.get(i).startsWith("step,")) {
                continue;
            }
            if (f.length != 4) {
                throw new IOException(csv + ":" + (i + 1) + ": expected step,phase,metric,value, got '" + lines.get(i) + "'");
            }
            series.computeIfAbsent(f[1] + "/" + f[2], k -> new ArrayList<>())
                    .add(new double[]{Double.parseDouble(f[0]), Double.parseDouble(f[3])});
        }
        return series;
    }
}
