package io.dl4jrl.cli;

import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Console progress over training steps, showing the loss and the last held-out accuracy. On a terminal it
 * is a redrawn progress bar; when output goes to a file or a CI log (no console) it prints one plain line
 * every 5% instead, because a carriage-return bar there becomes megabytes of repeated text.
 */
final class ProgressListener implements TrainingListener, AutoCloseable {
    private final ProgressBar bar;
    private final PrintStream out;
    private final String task;
    private final long totalSteps;
    private final long lineEvery;
    private final long startNanos = System.nanoTime();
    private String accuracy = "-";

    ProgressListener(String task, long totalSteps, long startStep, PrintStream out) {
        this(task, totalSteps, startStep, out, System.console() != null);
    }

    ProgressListener(String task, long totalSteps, long startStep, PrintStream out, boolean interactive) {
        this.out = out;
        this.task = task;
        this.totalSteps = totalSteps;
        this.lineEvery = Math.max(1, totalSteps / 20);
        this.bar = interactive
                ? new ProgressBarBuilder().setTaskName(task).setInitialMax(totalSteps).startsFrom(startStep, java.time.Duration.ZERO)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate()
                        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out)).build()
                : null;
    }

    @Override
    public void onStep(StepMetrics m) {
        // SFT reports a loss; RL iterations report the mean reward of their rollouts, the number that should rise.
        m.values().forEach((k, v) -> {
            if (k.startsWith("held_out_") && k.endsWith("_accuracy")) {
                // KTO's examples carry labels; every other preference accuracy is over pairs.
                accuracy = String.format(Locale.ROOT, "%.1f%% %s", 100 * v, k.equals("held_out_label_accuracy") ? "labels" : "pairs");
            }
        });
        Double reward = m.values().get("reward_mean");
        String extra = reward != null
                ? String.format(Locale.ROOT, "reward %.3f  acc %s", reward, accuracy)
                : String.format(Locale.ROOT, "loss %.4f  acc %s", m.values().getOrDefault("loss", Double.NaN), accuracy);
        if (bar != null) {
            bar.stepTo(m.step());
            bar.setExtraMessage(extra);
        } else if (m.step() % lineEvery == 0 || m.step() == totalSteps) {
            long seconds = (System.nanoTime() - startNanos) / 1_000_000_000L;
            out.printf(Locale.ROOT, "%s %d/%d (%d s)  %s%n", task, m.step(), totalSteps, seconds, extra);
        }
    }

    @Override
    public void onEvaluation(long step, EvalResult r) {
        accuracy = String.format(Locale.ROOT, "%.1f%%", 100 * r.accuracy());
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
        out.flush();
    }
}
