package io.dl4jrl.health;

import io.dl4jrl.train.StepMetrics;

import java.util.Map;
import java.util.Optional;

/** A signal that trips when a metric exceeds a fixed bound. */
abstract class AboveSignal implements HealthSignal {
    private final String metric;
    private final double max;

    AboveSignal(String metric, double max) {
        this.metric = metric;
        this.max = max;
    }

    @Override
    public String metric() {
        return metric;
    }

    @Override
    public Optional<String> check(StepMetrics step) {
        Double v = step.values().get(metric);
        return v != null && v > max ? Optional.of(metric + " " + Readings.number(v) + " > " + Readings.number(max)) : Optional.empty();
    }

    @Override
    public Map<String, Double> thresholds() {
        return Map.of("max", max);
    }
}
