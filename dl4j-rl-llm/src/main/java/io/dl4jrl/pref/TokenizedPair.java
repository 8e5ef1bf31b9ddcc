package io.dl4jrl.pref;

import io.dl4jrl.text.TokenIds;
import io.dl4jrl.text.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * A preference pair as token ids: the prompt, and each response followed by end-of-sequence (as the policy emits
 * it when it stops). Shared by the reward-model and DPO trainers.
 */
public record TokenizedPair(PreferencePair pair, int[] prompt, int[] chosen, int[] rejected) {
    private static final Logger log = LoggerFactory.getLogger(TokenizedPair.class);

    public static TokenizedPair of(PreferencePair p, Tokenizer tokenizer) {
        int[] eos = {tokenizer.eosId()};
        return new TokenizedPair(p, tokenizer.encode(p.prompt()), TokenIds.concat(tokenizer.encode(p.chosen()), eos),
                TokenIds.concat(tokenizer.encode(p.rejected()), eos));
    }

    /** Tokenises every pair, leaving out (with a warning naming how many) those longer than {@code contextLength}. */
    public static List<TokenizedPair> fitting(List<PreferencePair> pairs, Tokenizer tokenizer, int contextLength) {
        List<TokenizedPair> out = new ArrayList<>(pairs.size());
        for (PreferencePair p : pairs) {
            TokenizedPair t = of(p, tokenizer);
            if (t.longest() <= contextLength) {
                out.add(t);
            }
        }
        if (out.isEmpty() && !pairs.isEmpty()) {
            throw new IllegalArgumentException("no preference pair fits the context length " + contextLength);
        }
        if (out.size() < pairs.size()) {
            log.warn("skipping {} of {} preference pairs longer than the context length {}", pairs.size() - out.size(),
                    pairs.size(), contextLength);
        }
        return out;
    }

    /** prompt + chosen. */
    public int[] chosenSequence() {
        return TokenIds.concat(prompt, chosen);
    }

    /** prompt + rejected. */
    public int[] rejectedSequence() {
        return TokenIds.concat(prompt, rejected);
    }

    public int longest() {
        return prompt.length + Math.max(chosen.length, rejected.length);
    }
}
