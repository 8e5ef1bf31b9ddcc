package io.dl4jrl.rl;

/**
 * Held-out evaluation during an RL run.
 *
 * @param evalEvery    held-out greedy evaluation every N iterations (0 = only before the first and after the last)
 * @param evalProblems held-out problems per evaluation
 */
public record RlEvaluation(int evalEvery, int evalProblems) implements java.io.Serializable {
    public RlEvaluation {
        if (evalEvery < 0) {
            throw new IllegalArgumentException("evalEvery must be >= 0, got " + evalEvery);
        }
        RlSampling.positive("evalProblems", evalProblems);
    }
}
