package io.dl4jrl.pref;

import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.TokenIds;
import io.dl4jrl.text.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * RLHF's reward: a trained {@link RewardModel} scoring prompt + response + end-of-sequence, normalised with the
 * model's held-out statistics and optionally clipped to ±{@code clip} (to bound what over-optimisation can gain).
 * {@link #scoreAll} scores a whole rollout batch in batched forward passes. Not thread-safe (one graph).
 */
public final class LearnedReward implements RewardFunction {
    private final RewardModel model;
    private final Tokenizer tokenizer;
    private final PromptFormat format;
    private final double clip;

    /** @param clip clip normalised rewards to [−clip, clip]; 0 = no clipping */
    public LearnedReward(RewardModel model, Tokenizer tokenizer, PromptFormat format, double clip) {
        if (!(clip >= 0)) {
            throw new IllegalArgumentException("clip must be >= 0, got " + clip);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.format = format;
        this.clip = clip;
    }

    @Override
    public String name() {
        return "reward-model";
    }

    @Override
    public double score(Problem problem, String response) {
        return scoreAll(List.of(problem), List.of(response))[0];
    }

    @Override
    public double[] scoreAll(List<Problem> problems, List<String> responses) {
        if (problems.size() != responses.size()) {
            throw new IllegalArgumentException(problems.size() + " problems for " + responses.size() + " responses");
        }
        int[] eos = {tokenizer.eosId()};
        List<int[]> seqs = new ArrayList<>(responses.size());
        for (int i = 0; i < responses.size(); i++) {
            int[] seq = TokenIds.concat(TokenIds.concat(tokenizer.encode(format.prompt(problems.get(i))), tokenizer.encode(responses.get(i))), eos);
            // A response cut at the token limit may overflow by the end-of-sequence token; keep the newest context.
            int excess = seq.length - model.trunk().contextLength();
            seqs.add(excess > 0 ? java.util.Arrays.copyOfRange(seq, excess, seq.length) : seq);
        }
        double[] r = model.normalized(seqs);
        if (clip > 0) {
            for (int i = 0; i < r.length; i++) {
                r[i] = Math.max(-clip, Math.min(clip, r[i]));
            }
        }
        return r;
    }
}
