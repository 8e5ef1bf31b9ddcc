package io.dl4jrl.pref;

import java.util.Objects;

/**
 * One preference: for {@code prompt}, the response {@code chosen} (y_w) is preferred to {@code rejected} (y_l).
 * The prompt is the exact model input text (already formatted, e.g. {@code "Q: ...\nA: "}); the responses are
 * continuations of it, without an end-of-sequence token (the tokenizer-aware code appends one).
 *
 * @param id       stable identifier, unique within its set
 * @param prompt   the model input
 * @param chosen   the preferred response
 * @param rejected the dispreferred response
 * @param answer   the verifiable final answer when the prompt comes from a task with a checker, else {@code null};
 *                 lets preference-trained models be evaluated on true accuracy
 */
public record PreferencePair(String id, String prompt, String chosen, String rejected, String answer) {
    public PreferencePair {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(rejected, "rejected");
    }

    /** Every field, separated, for {@link io.dl4jrl.checkpoint.DataFingerprint}: a resumed run must see the same pairs. */
    public String fingerprintText() {
        return id + '\u0000' + prompt + '\u0000' + chosen + '\u0000' + rejected + '\u0000' + answer;
    }
}
