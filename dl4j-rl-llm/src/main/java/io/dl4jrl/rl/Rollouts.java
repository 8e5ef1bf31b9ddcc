package io.dl4jrl.rl;

import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.task.Problem;

import java.util.List;

/**
 * One iteration's sampled and scored rollouts as the RL loop's plug-ins see them; row i belongs to group
 * {@code i / groupSize}.
 *
 * @param iteration      the iteration being run (0-based: the number of completed iterations)
 * @param starts         each row's start: its problem and, for a replayed group, the stored response prefix
 * @param problemPrompts each row's problem prompt (without a replayed prefix)
 * @param prompts        each row's prompt as sampled from (problem prompt + prefix)
 * @param batch          the sampled continuations
 * @param fullResponses  each row's prefix + continuation: the answer as scored
 * @param texts          {@code fullResponses} decoded
 * @param taskRewards    the reward function's scores, before any shaping
 * @param correctness    the task checker's 0/1 verdicts
 */
public record Rollouts(long iteration, int groupSize, List<Problem> problems, List<RetrospectiveReplay.Start> starts,
                       List<int[]> problemPrompts, List<int[]> prompts, SampleBatch batch, int[][] fullResponses,
                       List<String> texts, double[] taskRewards, double[] correctness) {

    public int size() {
        return batch.size();
    }

    /** Whether row i's answer is right. */
    public boolean[] correct() {
        boolean[] c = new boolean[correctness.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = correctness[i] > 0;
        }
        return c;
    }
}
