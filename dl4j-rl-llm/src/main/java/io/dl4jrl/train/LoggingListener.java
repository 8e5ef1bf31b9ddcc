package io.dl4jrl.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Logs step metrics every {@code every} steps and every evaluation through SLF4J (logger
 * {@code io.dl4jrl.train.metrics}), so a service embedding a trainer gets its progress in its own logs.
 */
public final class LoggingListener implements TrainingListener {
    private static final Logger log = LoggerFactory.getLogger("io.dl4jrl.train.metrics");
    private final int every;

    public LoggingListener(int every) {
        if (every <= 0) {
            throw new IllegalArgumentException("every must be positive, got " + every);
        }
        this.every = every;
    }

    @Override
    public void onStep(StepMetrics metrics) {
        if (metrics.step() % every == 0 && log.isInfoEnabled()) {
            log.info("{} step {}: {}", metrics.phase(), metrics.step(), format(metrics.values()));
        }
    }

    @Override
    public void onEvaluation(long step, EvalResult r) {
        log.info("eval step {}: accuracy {} ({}/{} problems), by level {}, pass@k {}, mean response {} tokens", step,
                String.format(Locale.ROOT, "%.4f", r.accuracy()), r.correct(), r.problems(),
                r.accuracyByLevel(), r.passAtK(), String.format(Locale.ROOT, "%.1f", r.meanResponseLength()));
    }

    static String format(Map<String, Double> values) {
        StringJoiner j = new StringJoiner(" ");
        values.forEach((k, v) -> j.add(k + "=" + String.format(Locale.ROOT, "%.4g", v)));
        return j.toString();
    }
}
