package io.dl4jrl.rl;

import java.util.Objects;

/**
 * What advantage estimators see of a batch of rollouts: G responses for each of P prompts, row
 * {@code p·G + j} being response j to prompt p.
 *
 * @param groupSize      G, responses per prompt
 * @param lengths        response lengths in tokens
 * @param outcomes       outcome reward of each response (credited to its last token)
 * @param klPenalty      per-token penalty β·k subtracted from the token rewards (KL in the reward); all zeros when off
 * @param values         per-token value estimates V(s_t) from a critic, or null without one
 */
public record RolloutGroups(int groupSize, int[] lengths, double[] outcomes, float[][] klPenalty, float[][] values) {

    public RolloutGroups {
        Objects.requireNonNull(lengths, "lengths");
        Objects.requireNonNull(outcomes, "outcomes");
        if (groupSize <= 0) {
            throw new IllegalArgumentException("groupSize must be positive, got " + groupSize);
        }
        if (lengths.length != outcomes.length || lengths.length % groupSize != 0) {
            throw new IllegalArgumentException(lengths.length + " responses with " + outcomes.length
                    + " outcomes do not form groups of " + groupSize);
        }
        if (klPenalty == null) {
            klPenalty = new float[lengths.length][];
            for (int i = 0; i < lengths.length; i++) {
                klPenalty[i] = new float[lengths[i]];
            }
        }
        for (int i = 0; i < lengths.length; i++) {
            if (klPenalty[i].length < lengths[i] || (values != null && values[i].length < lengths[i])) {
                throw new IllegalArgumentException("response " + i + " has " + lengths[i] + " tokens but fewer per-token entries");
            }
        }
    }

    /** Outcome rewards only, no KL penalty, no critic. */
    public static RolloutGroups ofOutcomes(int groupSize, int[] lengths, double[] outcomes) {
        return new RolloutGroups(groupSize, lengths, outcomes, null, null);
    }

    public int size() {
        return lengths.length;
    }

    public int groups() {
        return lengths.length / groupSize;
    }

    /** Token reward r_t: minus the KL penalty, plus the outcome at the last token. */
    public double tokenReward(int i, int t) {
        return -klPenalty[i][t] + (t == lengths[i] - 1 ? outcomes[i] : 0.0);
    }
}
