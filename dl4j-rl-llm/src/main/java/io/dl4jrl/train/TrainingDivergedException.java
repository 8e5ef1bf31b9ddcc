package io.dl4jrl.train;

/** Thrown when a loss becomes NaN or infinite; training stops before anything is saved. */
public class TrainingDivergedException extends RuntimeException {
    private final long step;

    public TrainingDivergedException(long step, String what, double value) {
        super(what + " became " + value + " at step " + step
                + "; training stopped and no checkpoint was written for this step. Lower the learning rate or resume from the last checkpoint.");
        this.step = step;
    }

    public long step() {
        return step;
    }
}
