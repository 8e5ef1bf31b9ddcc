package io.dl4jrl.train;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall time per op type of every SameDiff pass it listens to (forward, backward, inference), to find where a
 * training step goes: add it to a graph's listeners, run steps, read {@link #top}. The time SameDiff spends between
 * ops (its bookkeeping, allocation) is the step's time minus {@link #totalSeconds}. One thread per listener.
 */
public final class OpTimeListener extends BaseListener {
    /** Calls and seconds of one op type. */
    public record OpTime(String op, long calls, double seconds) {
    }

    private final Map<String, long[]> byOp = new HashMap<>();
    private long started;

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        started = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext, INDArray[] outputs) {
        long[] t = byOp.computeIfAbsent(op.getOp().opName(), k -> new long[2]);
        t[0]++;
        t[1] += System.nanoTime() - started;
    }

    public void reset() {
        byOp.clear();
    }

    public double totalSeconds() {
        return byOp.values().stream().mapToLong(t -> t[1]).sum() / 1e9;
    }

    /** The {@code n} op types that took longest, longest first. */
    public List<OpTime> top(int n) {
        List<OpTime> all = new ArrayList<>();
        byOp.forEach((op, t) -> all.add(new OpTime(op, t[0], t[1] / 1e9)));
        all.sort(Comparator.comparingDouble(OpTime::seconds).reversed());
        return all.subList(0, Math.min(n, all.size()));
    }

    /** One line per op type: seconds, share of {@code stepSeconds}, calls. */
    public String report(int n, double stepSeconds) {
        StringBuilder sb = new StringBuilder();
        for (OpTime t : top(n)) {
            sb.append(String.format(Locale.ROOT, "    %-28s %8.3f s  %5.1f%%  %7d calls%n", t.op(), t.seconds(),
                    100 * t.seconds() / stepSeconds, t.calls()));
        }
        double inOps = totalSeconds();
        sb.append(String.format(Locale.ROOT, "    %-28s %8.3f s  %5.1f%%%n", "(between ops)", stepSeconds - inOps,
                100 * (stepSeconds - inOps) / stepSeconds));
        return sb.toString();
    }
}
