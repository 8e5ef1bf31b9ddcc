package io.dl4jrl.reward;

import io.dl4jrl.task.Problem;

import java.util.List;

/** Scores responses to problems. Implementations are stateless and thread-safe. */
public interface RewardFunction {

    /** Name used for metrics, e.g. {@code "correctness"}. */
    String name();

    double score(Problem problem, String response);

    /**
     * Scores row i = ({@code problems[i]}, {@code responses[i]}) for every row. Trainers call this once per batch, so
     * a model-based reward (a learned reward model, a judge) overrides it to run one batched forward pass.
     */
    default double[] scoreAll(List<Problem> problems, List<String> responses) {
        if (problems.size() != responses.size()) {
            throw new IllegalArgumentException(problems.size() + " problems for " + responses.size() + " responses");
        }
        double[] out = new double[responses.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = score(problems.get(i), responses.get(i));
        }
        return out;
    }
}
