package io.dl4jrl.train;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * Where an optimizer step's micro-batch passes (forward and backward) run when they do not run in this process: the
 * {@code dl4j-rl-llm-spark} module's {@code SparkGradientPasses} computes them on executors. {@link GradientStep}
 * sums the returned gradients itself, in part order and with the same operations as in process, so the applied
 * update is the one single-process gradient accumulation gives.
 */
public interface GradientPasses {

    /** One part's named scalar outputs (the loss first) and its gradient of each trainable variable on the loss's path. */
    record Pass(Map<String, Double> outputs, Map<String, INDArray> gradients) {
    }

    /**
     * @param version the graph's weight version (its optimizer step count): equal versions mean equal weights
     * @return one pass per part, in the parts' order
     */
    List<Pass> run(SameDiff sd, long version, List<Map<String, INDArray>> parts, List<String> outputs, List<String> trainable);

    /** Running totals (steps, passes, seconds), as metrics. */
    default Map<String, Double> metrics() {
        return Map.of();
    }
}
