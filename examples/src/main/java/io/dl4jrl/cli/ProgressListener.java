package io.dl4jrl.cli;

import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/** A console progress bar over training steps, showing the loss and the last held-out accuracy. */
final class ProgressListener implements TrainingListener, AutoCloseable {
    private final ProgressBar bar;
    private final PrintStream out;
    private String accuracy = "-";

    ProgressListener(String task, long totalSteps, long startStep, PrintStream out) {
        this.out = out;
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(totalSteps).startsFrom(startStep, java.time.Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out)).build();
    }

    @Override
    public void onStep(StepMetrics m) {
        bar.stepTo(m.step());
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f  acc %s", m.values().getOrDefault("loss", Double.NaN), accuracy));
    }

    @Override
    public void onEvaluation(long step, EvalResult r) {
        accuracy = String.format(Locale.ROOT, "%.1f%%", 100 * r.accuracy());
    }

    @Override
    public void close() {
        bar.close();
        out.flush();
    }
}
