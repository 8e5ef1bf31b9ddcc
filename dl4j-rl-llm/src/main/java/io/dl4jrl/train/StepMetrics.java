package io.dl4jrl.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named numbers of one training step, in insertion order (for CSV columns and logs).
 *
 * @param step  1-based step index
 * @param phase what produced them, e.g. {@code "sft"} or {@code "eval"}
 */
public record StepMetrics(long step, String phase, Map<String, Double> values) {
    public StepMetrics {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public double get(String name) {
        Double v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no metric '" + name + "' in " + values.keySet());
        }
        return v;
    }
}
