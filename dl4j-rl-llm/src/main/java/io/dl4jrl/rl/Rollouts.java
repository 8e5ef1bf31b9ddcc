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

    public int groups() {
        return size() / groupSize;
    }

    /** The rows of the given groups, in the given order (a dynamic-sampling round's kept groups). */
    public Rollouts groups(int[] groupIndices) {
        int[] rows = new int[groupIndices.length * groupSize];
        for (int k = 0; k < groupIndices.length; k++) {
            for (int j = 0; j < groupSize; j++) {
                rows[k * groupSize + j] = groupIndices[k] * groupSize + j;
            }
        }
        List<Problem> p = new java.util.ArrayList<>();
        List<RetrospectiveReplay.Start> s = new java.util.ArrayList<>();
        List<int[]> pp = new java.util.ArrayList<>();
        List<int[]> pr = new java.util.ArrayList<>();
        List<String> t = new java.util.ArrayList<>();
        int[][] full = new int[rows.length][];
        double[] rewards = new double[rows.length];
        double[] right = new double[rows.length];
        for (int k = 0; k < rows.length; k++) {
            int i = rows[k];
            p.add(problems.get(i));
            s.add(starts.get(i));
            pp.add(problemPrompts.get(i));
            pr.add(prompts.get(i));
            t.add(texts.get(i));
            full[k] = fullResponses[i];
            rewards[k] = taskRewards[i];
            right[k] = correctness[i];
        }
        return new Rollouts(iteration, groupSize, p, s, pp, pr, batch.rows(rows), full, t, rewards, right);
    }

    /** The parts' rows one after the other (parts of one iteration, with one group size). */
    public static Rollouts concat(List<Rollouts> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no rollouts to join");
        }
        Rollouts first = parts.get(0);
        List<Problem> p = new java.util.ArrayList<>();
        List<RetrospectiveReplay.Start> s = new java.util.ArrayList<>();
        List<int[]> pp = new java.util.ArrayList<>();
        List<int[]> pr = new java.util.ArrayList<>();
        List<String> t = new java.util.ArrayList<>();
        List<int[]> full = new java.util.ArrayList<>();
        java.util.stream.DoubleStream.Builder rewards = java.util.stream.DoubleStream.builder();
        java.util.stream.DoubleStream.Builder right = java.util.stream.DoubleStream.builder();
        for (Rollouts r : parts) {
            if (r.groupSize != first.groupSize || r.iteration != first.iteration) {
                throw new IllegalArgumentException("rollouts of other iterations or group sizes cannot be joined");
            }
            p.addAll(r.problems);
            s.addAll(r.starts);
            pp.addAll(r.problemPrompts);
            pr.addAll(r.prompts);
            t.addAll(r.texts);
            full.addAll(java.util.Arrays.asList(r.fullResponses));
            java.util.Arrays.stream(r.taskRewards).forEach(rewards::add);
            java.util.Arrays.stream(r.correctness).forEach(right::add);
        }
        return new Rollouts(first.iteration, first.groupSize, p, s, pp, pr,
                SampleBatch.concat(parts.stream().map(Rollouts::batch).toList()), full.toArray(new int[0][]), t,
                rewards.build().toArray(), right.build().toArray());
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
