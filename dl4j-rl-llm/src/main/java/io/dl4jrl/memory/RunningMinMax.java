package io.dl4jrl.memory;

import java.util.ArrayDeque;

/**
 * Min–max normalisation over a running window of recent raw values (Memory-R+ normalises its distances and
 * novelties this way, so the bonuses stay in [0, 1] as the embedding scale drifts during training).
 */
final class RunningMinMax {
    private final int window;
    private final ArrayDeque<Double> recent = new ArrayDeque<>();

    RunningMinMax(int window) {
        this.window = window;
    }

    double[] recent() {
        return recent.stream().mapToDouble(Double::doubleValue).toArray();
    }

    void restore(double[] values) {
        recent.clear();
        for (double v : values) {
            recent.addLast(v);
        }
    }

    /** Adds {@code raw} to the window, then maps each to [0, 1] by the window's min and max (0.5 when they are equal). */
    double[] normalise(double[] raw) {
        for (double v : raw) {
            recent.addLast(v);
            if (recent.size() > window) {
                recent.removeFirst();
            }
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : recent) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double[] out = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = max > min ? (raw[i] - min) / (max - min) : 0.5;
        }
        return out;
    }
}
