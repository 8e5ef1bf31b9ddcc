package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Compares a graph's analytic gradients ({@link GradientPass}, the path training uses) with central finite
 * differences of its loss, for a random subset of entries of every trainable variable.
 *
 * <p>Why not ND4J's {@code GradCheckUtil}: in 1.0.0-M2.1 its internal-state validation re-creates the
 * gradient function and fails on graphs that already have one ("Unable to replace samediff namespace"),
 * and cannot check only the entries we pick. This class does one thing: the check itself.
 *
 * <p>Use a graph built in {@link DataType#DOUBLE}; float32 differences are too noisy to compare.
 */
public final class GradientCheck {

    /** One compared entry. */
    public record Entry(String variable, long index, double analytic, double numeric, double relativeError) {
    }

    /** All compared entries and the worst one. */
    public record Result(List<Entry> entries, Entry worst) {
        public boolean passed(double maxRelativeError) {
            return worst == null || worst.relativeError() <= maxRelativeError;
        }
    }

    private GradientCheck() {
    }

    /**
     * @param perVariable entries checked per trainable variable (all entries if the variable is smaller)
     * @param eps         finite-difference step
     * @param minAbs      differences where both gradients are below this count as equal (relative error 0)
     */
    public static Result check(SameDiff sd, Map<String, INDArray> feed, int perVariable, double eps, double minAbs, long seed) {
        List<String> lossNames = sd.getLossVariables();
        if (lossNames.size() != 1) {
            throw new IllegalArgumentException("graph must have exactly one loss variable, has " + lossNames);
        }
        String loss = lossNames.get(0);
        List<String> params = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                if (v.dataType() != DataType.DOUBLE) {
                    throw new IllegalArgumentException("gradient checks need a DOUBLE graph; '" + v.name() + "' is " + v.dataType());
                }
                params.add(v.name());
            }
        }
        Map<String, INDArray> analytic = GradientPass.outputsAndGradients(sd, feed, java.util.List.of(), params).getGradients();
        SplittableRandom random = new SplittableRandom(seed);
        List<Entry> entries = new ArrayList<>();
        Entry worst = null;
        for (String name : params) {
            INDArray param = sd.getArrForVarName(name);
            INDArray flat = param.reshape(param.length());
            INDArray grad = analytic.get(name).reshape(param.length());
            long n = param.length();
            int count = (int) Math.min(n, perVariable);
            for (int c = 0; c < count; c++) {
                long i = count == n ? c : random.nextLong(n);
                double original = flat.getDouble(i);
                flat.putScalar(i, original + eps);
                double plus = lossValue(sd, feed, loss);
                flat.putScalar(i, original - eps);
                double minus = lossValue(sd, feed, loss);
                flat.putScalar(i, original);
                double numeric = (plus - minus) / (2 * eps);
                double a = grad.getDouble(i);
                double diff = Math.abs(a - numeric);
                double rel = diff < minAbs ? 0.0 : diff / Math.max(Math.abs(a), Math.abs(numeric));
                Entry e = new Entry(name, i, a, numeric, rel);
                entries.add(e);
                if (worst == null || rel > worst.relativeError()) {
                    worst = e;
                }
            }
        }
        return new Result(entries, worst);
    }

    private static double lossValue(SameDiff sd, Map<String, INDArray> feed, String loss) {
        return sd.output(feed, loss).get(loss).getDouble(0);
    }
}
