package io.dl4jrl.hyperparam;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A PNG of a sweep: one scatter panel per searched hyperparameter, score against its value for every completed
 * candidate, the best one marked. Learning rates and other positive values spanning more than a decade get a log
 * axis; algorithm names and on/off switches are spread over evenly spaced ticks.
 */
public final class SweepPlot {
    private SweepPlot() {
    }

    public static void write(SweepReport report, Path png, String title) throws IOException {
        List<XYChart> panels = new ArrayList<>();
        Optional<SweepReport.Row> best = report.best();
        for (RlHyperparameter h : report.hyperparameters()) {
            List<SweepReport.Row> done = report.rows().stream().filter(r -> r.score() != null).toList();
            boolean numeric = h.type() == Double.class || h.type() == Integer.class;
            List<Object> categories = new ArrayList<>();
            if (!numeric) {
                done.forEach(r -> {
                    Object v = r.candidate().hyperparameters().get(h);
                    if (!categories.contains(v)) categories.add(v);
                });
            }
            double[] x = new double[done.size()];
            double[] y = new double[done.size()];
            for (int i = 0; i < done.size(); i++) {
                Object v = done.get(i).candidate().hyperparameters().get(h);
                x[i] = numeric ? ((Number) v).doubleValue() : categories.indexOf(v);
                y[i] = done.get(i).score();
            }
            XYChart chart = new XYChartBuilder().width(520).height(380).title(title + ": " + h.key())
                    .xAxisTitle(h.key()).yAxisTitle(report.scoreName()).build();
            chart.getStyler().setLegendVisible(false);
            chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
            chart.getStyler().setMarkerSize(9);
            if (numeric && x.length > 0) {
                double min = java.util.Arrays.stream(x).min().orElse(1);
                double max = java.util.Arrays.stream(x).max().orElse(1);
                chart.getStyler().setXAxisLogarithmic(min > 0 && max / min > 10);
            } else {
                chart.setCustomXAxisTickLabelsFormatter(d -> {
                    int i = (int) Math.round(d);
                    return Math.abs(d - i) < 1e-9 && i >= 0 && i < categories.size() ? String.valueOf(categories.get(i)) : "";
                });
                chart.getStyler().setXAxisMin(-0.5);
                chart.getStyler().setXAxisMax(categories.size() - 0.5);
                chart.getStyler().setXAxisTickMarkSpacingHint(40);
            }
            if (numeric && x.length > 0) {
                XYSeries all = chart.addSeries("candidates", x, y);
                all.setMarker(SeriesMarkers.CIRCLE);
            } else {
                // one series per value, so the legend (below, where it hides no point) names the categories
                chart.getStyler().setLegendVisible(true);
                chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
                for (int c = 0; c < categories.size(); c++) {
                    List<Double> ys = new ArrayList<>();
                    for (int i = 0; i < x.length; i++) {
                        if (x[i] == c) ys.add(y[i]);
                    }
                    double[] xs = new double[ys.size()];
                    java.util.Arrays.fill(xs, c);
                    XYSeries series = chart.addSeries(String.valueOf(categories.get(c)), xs, ys.stream().mapToDouble(Double::doubleValue).toArray());
                    series.setMarker(SeriesMarkers.CIRCLE);
                }
            }
            if (best.isPresent()) {
                Object v = best.get().candidate().hyperparameters().get(h);
                double bx = numeric ? ((Number) v).doubleValue() : categories.indexOf(v);
                XYSeries b = chart.addSeries("best (" + RlHyperparameter.format(v) + ")", new double[]{bx}, new double[]{best.get().score()});
                b.setMarker(SeriesMarkers.DIAMOND);
                b.setMarkerColor(java.awt.Color.RED);
            }
            panels.add(chart);
        }
        if (panels.isEmpty()) {
            throw new IOException("nothing to plot: the sweep searched no hyperparameter");
        }
        int cols = Math.min(3, panels.size());
        int rows = (panels.size() + cols - 1) / cols;
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(panels, rows, cols, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
