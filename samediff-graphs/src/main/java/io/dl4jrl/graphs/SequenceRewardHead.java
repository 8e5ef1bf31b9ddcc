package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A reward model head: one scalar per sequence, read at each sequence's last real token,
 * {@code r = Σ_t m_t (h_t · w + b)} with placeholder {@value #LAST_TOKEN_MASK} ({@code [batch, time]}, 1 at
 * the last token of each sequence, 0 elsewhere). Output variable {@value #SEQUENCE_REWARD}, shape {@code [batch]}.
 * With right padding and a causal model, padding after the last token cannot change the reward.
 */
public final class SequenceRewardHead {
    public static final String LAST_TOKEN_MASK = "last_token_mask";
    public static final String SEQUENCE_REWARD = "sequence_reward";

    private SequenceRewardHead() {
    }

    /** @param width width of the hidden states (d_model) */
    public static SDVariable attach(PolicyGraph policy, int width) {
        SameDiff sd = policy.sameDiff();
        SDVariable perToken = ScalarHeads.perToken(policy, "reward_head", width, 0.02, 23);
        SDVariable mask = sd.placeHolder(LAST_TOKEN_MASK, perToken.dataType(), -1, -1);
        return perToken.mul(mask).sum(SEQUENCE_REWARD, false, 1);
    }
}
