package io.dl4jrl.hyperparam;

import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps every metric a trainer reports, as series keyed {@code phase/name} ({@code eval/...} for evaluations). */
final class MetricHistory implements TrainingListener {
    private final Map<String, List<Double>> series = new LinkedHashMap<>();

    @Override
    public void onStep(StepMetrics metrics) {
        metrics.values().forEach((k, v) -> add(metrics.phase() + "/" + k, v));
    }

    @Override
    public void onEvaluation(long step, EvalResult result) {
        result.metrics().forEach((k, v) -> add("eval/" + k, v));
    }

    private void add(String key, double value) {
        series.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    Map<String, List<Double>> series() {
        return series;
    }
}
