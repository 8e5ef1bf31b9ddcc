package io.dl4jrl.train;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;

import java.io.IOException;
import java.nio.file.Path;

/** The checkpoint schedule {@link TrainingLoop} follows after each step. */
public final class StepEnd {

    /** Where and how often checkpoints go: {@code <prefix>-<step>.ckpt} and {@code latest.ckpt} in {@code dir}. */
    public record CheckpointSchedule(Path dir, int every, String prefix) {
        public CheckpointSchedule {
            if (every <= 0) {
                throw new IllegalArgumentException("checkpoint interval must be positive, got " + every);
            }
        }

        /**
         * {@code latest.ckpt} first, then the numbered file: a kill between the two leaves {@code latest} at the newest
         * complete step (the numbered file is then the one missing, and the next save writes both).
         */
        void save(long step, Checkpoint c) throws IOException {
            CheckpointStore.save(dir.resolve("latest.ckpt"), c);
            CheckpointStore.save(dir.resolve(String.format("%s-%06d.ckpt", prefix, step)), c);
        }
    }

    private StepEnd() {
    }
}
