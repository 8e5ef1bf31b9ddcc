package io.dl4jrl.train;

import java.util.List;
import java.util.Map;

/**
 * Held-out evaluation.
 *
 * @param problems        problems evaluated
 * @param correct         problems whose greedy response has the right final answer
 * @param accuracyByLevel greedy accuracy per difficulty level
 * @param passAtK         unbiased pass@k estimates by k (empty when not sampled)
 * @param meanResponseLength mean greedy response length in tokens
 * @param examples        a few (prompt, response, correct) triples for a reader
 */
public record EvalResult(int problems, int correct, Map<Integer, Double> accuracyByLevel, Map<Integer, Double> passAtK,
                         double meanResponseLength, List<Example> examples) {

    public record Example(String question, String response, boolean correct) {
    }

    public double accuracy() {
        return problems == 0 ? 0 : (double) correct / problems;
    }

    /**
     * The evaluation as named metrics, the names the CSV and {@link EarlyStopping} use: {@code accuracy},
     * {@code accuracy_level_<n>}, {@code pass_at_<k>}, {@code mean_response_length}.
     */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("accuracy", accuracy());
        accuracyByLevel.forEach((level, acc) -> m.put("accuracy_level_" + level, acc));
        passAtK.forEach((k, v) -> m.put("pass_at_" + k, v));
        m.put("mean_response_length", meanResponseLength);
        return m;
    }
}
