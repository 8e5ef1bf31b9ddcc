package io.dl4jrl.rl;

import java.util.List;

/** What every RL-loop plug-in has: a name (its metrics' {@code time_<name>_s}) and the state it checkpoints. */
public interface RlPlugin {
    String name();

    default List<CheckpointPart> checkpointParts() {
        return List.of();
    }
}
