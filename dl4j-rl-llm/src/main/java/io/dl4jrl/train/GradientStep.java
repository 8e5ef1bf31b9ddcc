package io.dl4jrl.train;

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
        Map<String, INDArray> g = sd.calculateGradients(feed, trainable);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String name : trainable) {
            if (g.get(name) != null) {
                out.put(name, g.get(name));
            }
        }
        collector.afterWork();
        return out;
    }

    public Result apply(Map<String, INDArray> feed, long step, List<Listener> listeners) {
        TrainingConfig tc = sd.getTrainingConfig();
        At at = At.builder().epoch(tc.getEpochCount()).iteration(tc.getIterationCount()).operation(Operation.TRAINING).build();
        for (Listener l : listeners) {
            l.iterationStart(sd, at, null, 0);
        }
        OutAndGrad result = sd.calculateGradientsAndOutputs(feed, outputs, trainable);
        Map<String, Double> values = new LinkedHashMap<>();
        for (String name : outputs) {
            values.put(name, result.getOutputs().get(name).getDouble(0));
        }
        double lossValue = values.get(loss);
        if (!Double.isFinite(lossValue)) {
            throw new TrainingDivergedException(step, "loss '" + loss + "'", lossValue);
        }
        Map<String, INDArray> gradients = result.getGradients();
        double squared = 0;
        for (String name : trainable) {
            INDArray g = gradients.get(name);
            if (g != null) {
                double n = g.norm2Number().doubleValue();
                squared += n * n;
            }
        }
        double norm = Math.sqrt(squared);
        if (!Double.isFinite(norm)) {
            throw new TrainingDivergedException(step, "gradient norm", norm);
        }
        double scale = maxGradientNorm > 0 && norm > maxGradientNorm ? maxGradientNorm / norm : 1.0;
        Map<String, GradientUpdater> updaters = SameDiffTraining.updaters(sd);
        int iteration = tc.getIterationCount();
        int epoch = tc.getEpochCount();
        for (String name : trainable) {
            INDArray g = gradients.get(name);
            if (g == null) {
                continue; // not on the loss's path
            }
            if (scale != 1.0) {
                g.muli(scale);
            }
            updaters.get(name).applyUpdater(g, iteration, epoch);
            sd.getArrForVarName(name).subi(g);
        }
        tc.incrementIterationCount();
        collector.afterWork();
        Loss reported = new Loss(List.of(loss), new double[]{lossValue});
        for (Listener l : listeners) {
            l.iterationDone(sd, at, null, reported);
        }
        return new Result(values, norm);
    }
}
