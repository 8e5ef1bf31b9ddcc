package io.dl4jrl.health;

import io.dl4jrl.train.StepMetrics;

import java.util.Map;
import java.util.Optional;

/**
 * A signal that compares a metric with its value at the run's first iteration: below (or above) a multiple of it.
 * The start is the first value seen (restored from health.json on resume), so a resumed run keeps its own start.
 */
abstract class StartRelativeSignal implements HealthSignal {
    private final String metric;
    private final double ratio;
    private final boolean below;
    private double start = Double.NaN;

    StartRelativeSignal(String metric, double ratio, boolean below) {
        this.metric = metric;
        this.ratio = ratio;
        this.below = below;
    }

    @Override
    public String metric() {
        return metric;
    }

    @Override
    public Optional<String> check(StepMetrics step) {
        Double v = step.values().get(metric);
        if (v == null || !Double.isFinite(v)) {
            return Optional.empty();
        }
        if (Double.isNaN(start)) {
            start = v;
            return Optional.empty();
        }
        if (below && !(start > 0)) {
            return Optional.empty(); // "below a share of the start" means nothing for a start at or under 0
        }
        double bound = ratio * start;
        boolean holds = below ? v < bound : v > bound;
        return holds ? Optional.of(metric + " " + Readings.number(v) + (below ? " < " : " > ") + Readings.number(ratio) + " x its start " + Readings.number(start))
                : Optional.empty();
    }

    @Override
    public Map<String, Double> thresholds() {
        return Map.of(below ? "belowStartTimes" : "aboveStartTimes", ratio);
    }

    @Override
    public Map<String, Double> state() {
        return Double.isNaN(start) ? Map.of() : Map.of("start", start);
    }

    @Override
    public void restore(Map<String, Double> state) {
        start = state.getOrDefault("start", Double.NaN);
    }
}
