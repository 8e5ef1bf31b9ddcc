package io.dl4jrl.train;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * What every trainer does after a step (SFT) or iteration (RL), in one place: evaluate when due, ask the
 * listeners whether to stop early, checkpoint when due, and make an early stop end like a normal one
 * (evaluated and checkpointed).
 */
public final class StepEnd {

    /** Where and how often checkpoints go: {@code <prefix>-<step>.ckpt} and {@code latest.ckpt} in {@code dir}. */
    public record CheckpointSchedule(Path dir, int every, String prefix) {
        public CheckpointSchedule {
            if (every <= 0) {
                throw new IllegalArgumentException("checkpoint interval must be positive, got " + every);
            }
        }

        void save(long step, Checkpoint c) throws IOException {
            CheckpointStore.save(dir.resolve(String.format("%s-%06d.ckpt", prefix, step)), c);
            CheckpointStore.save(dir.resolve("latest.ckpt"), c);
        }
    }

    private StepEnd() {
    }

    /**
     * @param step        the step just completed
     * @param lastStep    the configured number of steps
     * @param evalEvery   evaluate every N steps (0 = only at the end)
     * @param evaluate    runs a held-out evaluation and tells the listeners
     * @param checkpoints the schedule, or {@code null} for none
     * @param capture     the trainer's current checkpoint
     * @return whether training stops here before {@code lastStep}
     */
    public static boolean finish(long step, long lastStep, int evalEvery, Runnable evaluate, List<TrainingListener> listeners,
                                 CheckpointSchedule checkpoints, Supplier<Checkpoint> capture) throws IOException {
        boolean last = step == lastStep;
        boolean evaluated = last || (evalEvery > 0 && step % evalEvery == 0);
        if (evaluated) {
            evaluate.run();
        }
        boolean stop = !last && listeners.stream().anyMatch(TrainingListener::stopRequested);
        if (stop && !evaluated) {
            evaluate.run(); // an early stop ends like a normal end: evaluated and checkpointed
        }
        if (checkpoints != null && (last || stop || step % checkpoints.every() == 0)) {
            checkpoints.save(step, capture.get());
        }
        return stop;
    }
}
