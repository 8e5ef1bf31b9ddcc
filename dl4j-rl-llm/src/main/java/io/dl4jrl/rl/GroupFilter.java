package io.dl4jrl.rl;

/**
 * Decides, after a round of sampling and scoring, which groups of rollouts an iteration trains on. When a filter
 * drops groups, the loop draws more prompts in further rounds until the batch holds {@code promptsPerIteration} groups
 * or {@link RlSampling#maxSamplingRounds()} rounds have run (DAPO's dynamic sampling). Registered by name in
 * {@link GroupFilters}; a group is kept when every filter keeps it.
 */
public interface GroupFilter extends RlPlugin {

    /**
     * @param round    the round's rollouts, scored (its rows {@code [group·G, group·G + G)} form the group)
     * @param group    the group asked about
     * @param outcomes the round's outcome rewards, row by row (the reward function's, before any shaping)
     */
    boolean keep(Rollouts round, int group, double[] outcomes);
}
