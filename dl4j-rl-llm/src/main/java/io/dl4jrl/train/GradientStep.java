package io.dl4jrl.train;

import io.dl4jrl.graphs.GradientPass;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One optimizer step on a SameDiff graph: loss, named diagnostic variables and gradients from a single
 * {@link SameDiff#calculateGradientsAndOutputs} pass, a finite check, optional global-norm clipping, then
 * each variable's own SameDiff {@link GradientUpdater} (the graph's {@link TrainingConfig} updater and
 * learning-rate schedule), exactly as {@code SameDiff.fit} applies them.
 *
 * <p>Why not {@code fit}: in 1.0.0-M2.1 it never evaluates the loss variable itself (its backward pass does
 * not need it) and reports 0 to listeners; and it applies a NaN gradient before anyone can look. Here a
 * non-finite loss or gradient throws {@link TrainingDivergedException} before any weight changes. User
 * SameDiff/DL4J listeners still receive {@code iterationStart}/{@code iterationDone} with the real loss.
 * Off-heap garbage of the pass is reclaimed by an {@link OffHeapCollector}.
 */
public final class GradientStep {
    /** Values of the requested variables (loss first) and the gradient's global L2 norm before clipping. */
    public record Result(Map<String, Double> values, double gradientNorm) {
    }

    private final SameDiff sd;
    private final String loss;
    private final List<String> outputs;
    private final List<String> trainable = new ArrayList<>();
    private final double maxGradientNorm;
    private final OffHeapCollector collector = new OffHeapCollector();
    private GradientPasses remote;

    /**
     * @param loss            the scalar loss variable
     * @param diagnostics     further scalar variables to report
     * @param maxGradientNorm clip the global gradient norm to this; 0 disables clipping
     */
    public GradientStep(SameDiff sd, String loss, List<String> diagnostics, double maxGradientNorm) {
        if (sd.getTrainingConfig() == null) {
            throw new IllegalStateException("set the graph's TrainingConfig (updater) before creating a GradientStep");
        }
        if (!(maxGradientNorm >= 0)) {
            throw new IllegalArgumentException("maxGradientNorm must be >= 0, got " + maxGradientNorm);
        }
        this.sd = sd;
        this.loss = loss;
        Set<String> out = new LinkedHashSet<>();
        out.add(loss);
        out.addAll(diagnostics);
        this.outputs = List.copyOf(out);
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && v.dataType().isFPType()) {
                trainable.add(v.name());
            }
        }
        this.maxGradientNorm = maxGradientNorm;
        SameDiffTraining.createGradientFunction(sd);
    }

    /**
     * The loss gradient of every trainable variable on {@code feed}, without applying it (for diagnostics such
     * as gradient-variance probes). Variables off the loss's path are absent.
     */
    public Map<String, INDArray> gradients(Map<String, INDArray> feed) {
        Map<String, INDArray> g = GradientPass.outputsAndGradients(sd, feed, List.of(), trainable).getGradients();
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String name : trainable) {
            if (g.get(name) != null) {
                out.put(name, g.get(name));
            }
        }
        collector.afterWork();
        return out;
    }

    /**
     * Runs the micro-batch passes of {@link #apply(List, double[], long, List)} with {@code passes} (on other machines)
     * instead of in this process; {@code null} goes back to in-process passes. The gradients are still summed, checked,
     * clipped and applied here.
     */
    public void distributeWith(GradientPasses passes) {
        this.remote = passes;
    }

    /** The distributed passes' running totals ({@link GradientPasses#metrics}); empty in process. */
    public Map<String, Double> distributedMetrics() {
        return remote == null ? Map.of() : remote.metrics();
    }

    /** One step on one batch: {@link #apply(List, double[], long, List)} with a single part of weight 1. */
    public Result apply(Map<String, INDArray> feed, long step, List<Listener> listeners) {
        return apply(List.of(feed), new double[]{1.0}, step, listeners);
    }

    /**
     * One optimizer step on a batch given as parts (micro-batches), each run as its own forward/backward pass: the
     * applied gradient is Σ_k share_k · ∇loss(part_k), and each reported value Σ_k share_k · value(part_k). With the
     * shares of the loss's aggregation ({@code LossAggregation.share}) that is the gradient and loss of the whole
     * batch in one pass, while only one part's activations are alive at a time. Clipping and the finite check apply
     * to the accumulated gradient, so a NaN in any part stops the step before any weight changes.
     *
     * <p>Arrays this step owns (each pass's gradients and outputs, the accumulated gradient) are closed as soon as
     * they are used, so their native memory is freed at once rather than whenever the garbage collector runs.
     */
    public Result apply(List<Map<String, INDArray>> parts, double[] shares, long step, List<Listener> listeners) {
        if (parts.isEmpty() || parts.size() != shares.length) {
            throw new IllegalArgumentException(parts.size() + " parts with " + shares.length + " shares");
        }
        TrainingConfig tc = sd.getTrainingConfig();
        At at = At.builder().epoch(tc.getEpochCount()).iteration(tc.getIterationCount()).operation(Operation.TRAINING).build();
        for (Listener l : listeners) {
            l.iterationStart(sd, at, null, 0);
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (String name : outputs) {
            values.put(name, 0.0);
        }
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        try {
            List<GradientPasses.Pass> remotePasses = remote == null ? null : remote.run(sd, tc.getIterationCount(), parts, outputs, trainable);
            for (int k = 0; k < parts.size(); k++) {
                List<INDArray> passArrays = new ArrayList<>();
                GradientPasses.Pass result = remotePasses != null ? remotePasses.get(k) : localPass(parts.get(k), passArrays);
                for (String name : outputs) {
                    double v = result.outputs().get(name);
                    if (!Double.isFinite(v) && name.equals(loss)) {
                        throw new TrainingDivergedException(step, "loss '" + loss + "'" + (parts.size() > 1 ? " (micro-batch " + k + ")" : ""), v);
                    }
                    values.merge(name, shares[k] * v, Double::sum);
                }
                for (String name : trainable) {
                    INDArray g = result.gradients().get(name);
                    if (g == null) {
                        continue; // not on the loss's path
                    }
                    INDArray sum = gradients.get(name);
                    if (sum == null) {
                        if (shares[k] != 1.0) {
                            g.muli(shares[k]);
                        }
                        gradients.put(name, g);
                    } else {
                        org.nd4j.linalg.factory.Nd4j.getBlasWrapper().level1().axpy(g.length(), shares[k], g, sum); // sum += share·g
                        passArrays.add(g);
                    }
                }
                NativeArrays.close(passArrays, gradients.values());
            }
            double lossValue = values.get(loss);
            if (!Double.isFinite(lossValue)) {
                throw new TrainingDivergedException(step, "loss '" + loss + "'", lossValue);
            }
            double squared = 0;
            for (INDArray g : gradients.values()) {
                double n = g.norm2Number().doubleValue();
                squared += n * n;
            }
            double norm = Math.sqrt(squared);
            if (!Double.isFinite(norm)) {
                throw new TrainingDivergedException(step, "gradient norm", norm);
            }
            double scale = maxGradientNorm > 0 && norm > maxGradientNorm ? maxGradientNorm / norm : 1.0;
            Map<String, GradientUpdater> updaters = SameDiffTraining.updaters(sd);
            int iteration = tc.getIterationCount();
            int epoch = tc.getEpochCount();
            for (Map.Entry<String, INDArray> e : gradients.entrySet()) {
                INDArray g = e.getValue();
                if (scale != 1.0) {
                    g.muli(scale);
                }
                updaters.get(e.getKey()).applyUpdater(g, iteration, epoch);
                sd.getArrForVarName(e.getKey()).subi(g);
            }
            tc.incrementIterationCount();
            Loss reported = new Loss(List.of(loss), new double[]{lossValue});
            for (Listener l : listeners) {
                l.iterationDone(sd, at, null, reported);
            }
            return new Result(values, norm);
        } finally {
            NativeArrays.close(gradients.values());
            collector.afterWork();
        }
    }

    /** One part's forward and backward pass here; its output arrays go to {@code toClose}. */
    private GradientPasses.Pass localPass(Map<String, INDArray> part, List<INDArray> toClose) {
        OutAndGrad result = GradientPass.outputsAndGradients(sd, part, outputs, trainable);
        Map<String, Double> values = new LinkedHashMap<>();
        for (String name : outputs) {
            values.put(name, result.getOutputs().get(name).getDouble(0));
        }
        toClose.addAll(result.getOutputs().values());
        return new GradientPasses.Pass(values, result.getGradients());
    }
}
