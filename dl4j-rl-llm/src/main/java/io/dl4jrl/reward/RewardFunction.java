package io.dl4jrl.reward;

import io.dl4jrl.task.Problem;

/** Scores one response to one problem. Implementations are stateless and thread-safe. */
public interface RewardFunction {

    /** Name used for metrics, e.g. {@code "correctness"}. */
    String name();

    double score(Problem problem, String response);
}
