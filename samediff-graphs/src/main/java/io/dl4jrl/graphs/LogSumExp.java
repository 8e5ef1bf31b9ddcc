package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Numerically stable log-sum-exp over one axis, keeping that axis:
 * {@code lse = m + log Σ exp(x − m)} with {@code m = max(x)}.
 *
 * <p>Written from primitives because SameDiff M2.1's own {@code reduce_logsumexp} fails in backprop
 * ("reduce_sum_bp: bad input shape"). The gradient through {@code m} cancels exactly
 * ({@code 1 − Σ softmax = 0}), so letting it flow is harmless.
 */
final class LogSumExp {
    private LogSumExp() {
    }

    /** Over {@code axis}, kept with size 1 (e.g. {@code [N, V] -> [N, 1]} for axis 1). */
    static SDVariable along(SameDiff sd, SDVariable x, int axis) {
        SDVariable max = x.max(true, axis);
        return max.add(sd.math.log(sd.math.exp(x.sub(max)).sum(true, axis)));
    }
}
