package io.dl4jrl.train;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one training loop every trainer (SFT, RL, DPO, reward model) runs. The trainer supplies its steps, its
 * held-out evaluation and its checkpoint; the loop owns the rest, with one rule for all:
 * <ol>
 *   <li>a run that has not started evaluates once before its first step (step 0);</li>
 *   <li>after each step: evaluate when due (every {@code evalEvery} steps, and always at the last step), merge what
 *       the evaluation reports into the step's metrics, tell the listeners, ask them whether to stop, and checkpoint
 *       when due;</li>
 *   <li>an early stop ends like a normal end: evaluated and checkpointed; then every listener's {@code onEnd}.</li>
 * </ol>
 * Resuming is the trainer's {@code resume(Checkpoint)} before {@link #run}: the loop continues at the trainer's step.
 */
public final class TrainingLoop {

    /** One trainer's part of the loop. */
    public interface Trainer {
        /** Completed steps (iterations for RL). */
        long step();

        /** The configured number of steps. */
        long lastStep();

        /** Runs one step, advances {@link #step()}, returns the step's metrics (without evaluation metrics). */
        StepMetrics runStep() throws IOException;

        /**
         * Runs the held-out evaluation at the current step and tells the listeners ({@code onEvaluation}); returns
         * metrics to add to the step's own (e.g. a preference accuracy), possibly empty.
         */
        Map<String, Double> evaluate();

        Checkpoint checkpoint();
    }

    private final List<TrainingListener> listeners;
    private final StepEnd.CheckpointSchedule checkpoints;
    private final int evalEvery;

    /**
     * @param evalEvery   evaluate every N steps (0 = only before the first and after the last)
     * @param checkpoints the schedule, or {@code null} for none
     */
    public TrainingLoop(List<TrainingListener> listeners, StepEnd.CheckpointSchedule checkpoints, int evalEvery) {
        if (evalEvery < 0) {
            throw new IllegalArgumentException("evalEvery must be >= 0, got " + evalEvery);
        }
        this.listeners = List.copyOf(listeners);
        this.checkpoints = checkpoints;
        this.evalEvery = evalEvery;
    }

    public void run(Trainer trainer) throws IOException {
        if (checkpoints != null) {
            CheckpointStore.removeTemporaries(checkpoints.dir()); // left by a kill during a checkpoint write
        }
        if (trainer.step() == 0 && trainer.lastStep() > 0) {
            trainer.evaluate();
        }
        while (trainer.step() < trainer.lastStep()) {
            StepMetrics metrics = trainer.runStep();
            long step = trainer.step();
            boolean last = step >= trainer.lastStep();
            boolean evaluated = last || (evalEvery > 0 && step % evalEvery == 0);
            if (evaluated) {
                metrics = merged(metrics, trainer.evaluate());
            }
            StepMetrics told = metrics;
            listeners.forEach(l -> l.onStep(told));
            boolean stop = !last && listeners.stream().anyMatch(TrainingListener::stopRequested);
            if (stop && !evaluated) {
                trainer.evaluate(); // an early stop ends like a normal end: evaluated and checkpointed
            }
            if (checkpoints != null && (last || stop || step % checkpoints.every() == 0)) {
                checkpoints.save(step, trainer.checkpoint());
            }
            if (stop) {
                break;
            }
        }
        long end = trainer.step();
        listeners.forEach(l -> l.onEnd(end));
    }

    private static StepMetrics merged(StepMetrics m, Map<String, Double> extra) {
        if (extra.isEmpty()) {
            return m;
        }
        Map<String, Double> all = new LinkedHashMap<>(m.values());
        all.putAll(extra);
        return new StepMetrics(m.step(), m.phase(), all);
    }
}
