package io.dl4jrl.hyperparam;

import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.train.EvalResult;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one candidate's training produced, the "model" Arbiter hands to the score function and the result saver:
 * every metric's series (keyed {@code phase/name}, e.g. {@code eval/accuracy}, {@code grpo/reward_mean}), the
 * final held-out evaluation, the run time and the candidate's folder.
 */
public record RlTrainingResult(int index, RlConfig config, Map<String, List<Double>> metrics, EvalResult finalEvaluation,
                               double seconds, Path folder) {
    public RlTrainingResult {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        metrics.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        metrics = Collections.unmodifiableMap(copy);
    }

    /**
     * A metric's series: {@code phase/name}, or a bare {@code name} found in any training phase (not eval).
     *
     * @throws IllegalArgumentException naming the metrics there are, when there is no such metric
     */
    public List<Double> series(String metric) {
        List<Double> s = metrics.get(metric);
        if (s == null && !metric.contains("/")) {
            for (Map.Entry<String, List<Double>> e : metrics.entrySet()) {
                if (!e.getKey().startsWith("eval/") && e.getKey().endsWith("/" + metric)) {
                    s = e.getValue();
                    break;
                }
            }
        }
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("no metric '" + metric + "' in this run; it has " + metrics.keySet());
        }
        return s;
    }
}
