package io.dl4jrl.rl;

import io.dl4jrl.text.Tokenizer;

import java.util.List;
import java.util.Objects;

/**
 * What an advantage estimator may need beyond rewards: the batch's token ids and a rollout engine bound to the
 * current policy, so that Monte-Carlo estimators (VinePPO) can sample more completions from intermediate states.
 * Row i matches row i of {@link RolloutGroups}.
 *
 * @param prompts   prompt token ids per row
 * @param responses response token ids per row
 * @param tokenizer the policy's tokenizer (step segmentation reads text)
 * @param rollouts  samples and scores completions of prefixes with the current policy
 */
public record RolloutContext(List<int[]> prompts, int[][] responses, Tokenizer tokenizer, VineValues.Rollouts rollouts) {

    public RolloutContext {
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(responses, "responses");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(rollouts, "rollouts");
        if (prompts.size() != responses.length) {
            throw new IllegalArgumentException(prompts.size() + " prompts for " + responses.length + " responses");
        }
    }
}
