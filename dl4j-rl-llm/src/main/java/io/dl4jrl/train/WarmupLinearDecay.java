package io.dl4jrl.train;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * Learning rate rising linearly from 0 to {@code peak} over {@code warmup} iterations, then falling
 * linearly to 0 at {@code total}. Written here because ND4J's PolySchedule computes
 * {@code initial·(1 + i/maxIter)^power}, which does not decay for the positive powers one would expect.
 */
public record WarmupLinearDecay(double peak, int warmup, int total) implements ISchedule {

    public WarmupLinearDecay {
        if (!(peak > 0) || warmup < 0 || total <= warmup) {
            throw new IllegalArgumentException("need peak > 0 and 0 <= warmup < total, got " + peak + ", " + warmup + ", " + total);
        }
    }

    /** @param iteration 0-based iteration about to be applied */
    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmup) {
            return peak * (iteration + 1) / warmup;
        }
        return peak * Math.max(0.0, (double) (total - iteration) / (total - warmup));
    }

    @Override
    public ISchedule clone() {
        return new WarmupLinearDecay(peak, warmup, total);
    }
}
