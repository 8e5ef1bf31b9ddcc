package io.dl4jrl.hyperparam;

import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;

import java.io.PrintStream;
import java.util.Locale;

/** An Arbiter {@link StatusListener} printing one line per candidate start and end. */
final class ConsoleStatusListener implements StatusListener {
    private final PrintStream out;
    private final RlConfigSpace space;

    ConsoleStatusListener(PrintStream out, RlConfigSpace space) {
        this.out = out;
        this.space = space;
    }

    @Override
    public void onInitialization(IOptimizationRunner runner) {
    }

    @Override
    public void onShutdown(IOptimizationRunner runner) {
    }

    @Override
    public void onRunnerStatusChange(IOptimizationRunner runner) {
    }

    @Override
    public synchronized void onCandidateStatusChange(CandidateInfo info, IOptimizationRunner runner, OptimizationResult result) {
        String what = space.getValue(info.getFlatParams()).describe();
        if (info.getCandidateStatus() == CandidateStatus.Running) {
            out.printf(Locale.ROOT, "candidate %d started: %s%n", info.getIndex(), what);
        } else if (info.getCandidateStatus() == CandidateStatus.Complete) {
            out.printf(Locale.ROOT, "candidate %d done: %s -> score %.4f (%.0f s)%n", info.getIndex(), what, info.getScore(),
                    (info.getEndTime() - info.getStartTime()) / 1000.0);
        } else if (info.getCandidateStatus() == CandidateStatus.Failed) {
            out.printf(Locale.ROOT, "candidate %d failed: %s: %s%n", info.getIndex(), what, SweepReport.firstLine(info.getExceptionStackTrace()));
        }
    }

    @Override
    public void onCandidateIteration(CandidateInfo info, Object model, int iteration) {
    }
}
