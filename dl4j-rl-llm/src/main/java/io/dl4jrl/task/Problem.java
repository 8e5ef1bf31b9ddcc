package io.dl4jrl.task;

import java.util.Objects;

/**
 * A reasoning problem with a verifiable answer.
 *
 * @param id       stable identifier (unique within its task)
 * @param question the question text shown to the policy
 * @param solution reference solution: one reasoning step per line, last line {@code #### <answer>}
 * @param answer   the final answer as text, e.g. {@code "42"} or {@code "-3.5"}
 * @param level    difficulty level (1 = easiest); 0 when unknown (e.g. loaded data)
 */
public record Problem(String id, String question, String solution, String answer, int level) {
    public Problem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(solution, "solution");
        Objects.requireNonNull(answer, "answer");
    }

    /** Every field, separated, for {@link io.dl4jrl.checkpoint.DataFingerprint}: a resumed run must see the same problems. */
    public String fingerprintText() {
        return id + '\u0000' + question + '\u0000' + solution + '\u0000' + answer + '\u0000' + level;
    }
}
