package io.dl4jrl.rl;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an {@link IterationProbe} may read: the run, the iteration's rollouts and groups (rewards after shaping,
 * the KL penalty and values), and the loss gradient on any group's rows with given advantages, before the update.
 *
 * @param seed a seed derived from the iteration, for probes that sample
 */
public record IterationView(RlRun run, Rollouts rollouts, RolloutGroups groups, GroupGradient gradient, long seed) {

    /** The flattened loss gradient on group {@code group}'s rows with per-token advantages {@code perToken} (nothing applied). */
    @FunctionalInterface
    public interface GroupGradient {
        INDArray of(int group, float[][] perToken);
    }
}
