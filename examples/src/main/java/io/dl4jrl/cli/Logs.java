package io.dl4jrl.cli;

import io.dl4jrl.train.LoggingListener;
import io.dl4jrl.train.TrainingListener;

/** The {@code --log-every} option's listener. */
final class Logs {
    private Logs() {
    }

    /** A {@link LoggingListener} every {@code n} steps, or none for 0. */
    static TrainingListener[] every(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("--log-every must be >= 0, got " + n);
        }
        return n == 0 ? new TrainingListener[0] : new TrainingListener[]{new LoggingListener(n)};
    }
}
