package io.dl4jrl.train;

/**
 * Observes a trainer's progress at step granularity. For op-level hooks the trainers also accept plain
 * SameDiff/DL4J {@link org.nd4j.autodiff.listeners.Listener}s ({@code addSameDiffListener}): the trainers run their
 * own gradient passes ({@link GradientStep}), not {@code SameDiff.fit}, and call each such listener's
 * {@code iterationStart} and {@code iterationDone} (with the loss) once per optimizer step.
 */
public interface TrainingListener {

    /** After every optimizer step. */
    default void onStep(StepMetrics metrics) {
    }

    /** After every held-out evaluation. */
    default void onEvaluation(long step, EvalResult result) {
    }

    /** Once, when training ends normally (all steps done, or stopped early by a listener). */
    default void onEnd(long step) {
    }

    /**
     * Asked after each step's listeners, evaluation and checkpoint: {@code true} ends training there, with a
     * final checkpoint and evaluation as at a normal end (see {@link EarlyStopping}).
     */
    default boolean stopRequested() {
        return false;
    }
}
