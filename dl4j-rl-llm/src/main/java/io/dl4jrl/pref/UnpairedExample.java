package io.dl4jrl.pref;

import io.dl4jrl.text.TokenIds;
import io.dl4jrl.text.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One unpaired preference example for KTO: a completion of a prompt, labelled desirable or undesirable. Preference
 * pairs become two examples each ({@link #fromPairs}), as TRL's unpairing does; data with only thumbs-up/down labels
 * is read with {@link UnpairedJsonl}.
 *
 * @param id         stable identifier, unique within its set
 * @param prompt     the model input (already formatted)
 * @param completion the response, without end-of-sequence (appended when tokenised)
 * @param desirable  the label
 * @param answer     the verifiable final answer when the prompt comes from a task with a checker, else null
 */
public record UnpairedExample(String id, String prompt, String completion, boolean desirable, String answer) {
    public UnpairedExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
    }

    /** Each pair's chosen response as a desirable example ({@code <id>+}) and its rejected one as undesirable ({@code <id>-}). */
    public static List<UnpairedExample> fromPairs(List<PreferencePair> pairs) {
        List<UnpairedExample> out = new ArrayList<>(2 * pairs.size());
        for (PreferencePair p : pairs) {
            out.add(new UnpairedExample(p.id() + "+", p.prompt(), p.chosen(), true, p.answer()));
            out.add(new UnpairedExample(p.id() + "-", p.prompt(), p.rejected(), false, p.answer()));
        }
        return out;
    }

    /** Every field, for {@link io.dl4jrl.checkpoint.DataFingerprint}. */
    public String fingerprintText() {
        return id + '\u0000' + prompt + '\u0000' + completion + '\u0000' + desirable + '\u0000' + answer;
    }

    /** Token ids: the prompt and the completion followed by end-of-sequence. */
    public record Tokenized(UnpairedExample example, int[] prompt, int[] completion) {
        public int length() {
            return prompt.length + completion.length;
        }
    }

    public Tokenized tokenize(Tokenizer tokenizer) {
        return new Tokenized(this, tokenizer.encode(prompt), TokenIds.concat(tokenizer.encode(completion), new int[]{tokenizer.eosId()}));
    }

    /** Tokenises every example, leaving out those longer than {@code contextLength} (refused when none fits). */
    public static List<Tokenized> fitting(List<UnpairedExample> examples, Tokenizer tokenizer, int contextLength) {
        List<Tokenized> out = new ArrayList<>(examples.size());
        for (UnpairedExample e : examples) {
            Tokenized t = e.tokenize(tokenizer);
            if (t.length() <= contextLength) {
                out.add(t);
            }
        }
        if (out.isEmpty() && !examples.isEmpty()) {
            throw new IllegalArgumentException("no unpaired example fits the context length " + contextLength);
        }
        return out;
    }
}
