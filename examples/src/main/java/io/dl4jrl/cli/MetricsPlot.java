package io.dl4jrl.cli;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a metrics CSV ({@code step,phase,metric,value}) as a PNG: the training loss ({@code loss} or
 * {@code rl_loss}) on the left axis; held-out accuracy and, for RL, the mean reward on the right axis.
 */
final class MetricsPlot {
    private MetricsPlot() {
    }

    static void write(Path csv, Path png, String title) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (String line : Files.readAllLines(csv)) {
            String[] f = line.split(",");
            if (f.length != 4 || f[0].equals("step")) {
                continue;
            }
            String key = f[1] + "/" + f[2];
            series.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[]{Double.parseDouble(f[0]), Double.parseDouble(f[3])});
        }
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("step").yAxisTitle("loss").build();
        chart.setYAxisGroupTitle(1, "held-out accuracy / mean reward");
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.getStyler().setYAxisMax(1, 1.0);
        boolean severalLevels = series.keySet().stream().filter(k -> k.startsWith("eval/accuracy_level_")).count() > 1;
        boolean any = false;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            if (!severalLevels && e.getKey().startsWith("eval/accuracy_level_")) {
                continue; // identical to eval/accuracy
            }
            String metric = e.getKey().substring(e.getKey().indexOf('/') + 1);
            boolean isLoss = metric.equals("loss") || metric.equals("rl_loss");
            boolean isAccuracy = (e.getKey().startsWith("eval/") && metric.startsWith("accuracy")) || metric.equals("reward_mean")
                    || (metric.startsWith("held_out_") && metric.endsWith("_accuracy"));
            if (!isLoss && !isAccuracy) {
                continue;
            }
            double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
            double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setMarker(isLoss ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            if (isAccuracy) {
                s.setYAxisGroup(1);
            }
            any = true;
        }
        if (!any) {
            throw new IOException(csv + " has no loss or accuracy to plot");
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
