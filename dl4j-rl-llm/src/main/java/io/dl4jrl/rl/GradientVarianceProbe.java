package io.dl4jrl.rl;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures how noisy the policy-gradient estimate is under different baselines, on the same batch: the
 * batch's groups are treated as independent draws, each group's gradient g_p is computed (with the group's
 * advantages under one baseline, nothing applied), and the spread across groups is reported as
 * {@code mean_p ‖g_p − ḡ‖²} (the trace of the covariance, one number per baseline). OPO's claim is that its
 * length-weighted baseline gives the smallest value; the probe compares it with the group mean (Dr. GRPO,
 * no std) and with no baseline at all (raw rewards).
 */
public final class GradientVarianceProbe implements IterationProbe {
    /** Baselines compared, by metric-name suffix: the estimator that turns a batch's outcomes into advantages. */
    static final Map<String, AdvantageEstimator> BASELINES = baselines();

    /** Due every {@link RlConfig#gradientVarianceEvery()} iterations. */
    public GradientVarianceProbe() {
    }

    @Override
    public String name() {
        return "gradient_variance";
    }

    @Override
    public Map<String, Double> measure(IterationView view) {
        int every = view.run().config().diagnostics().gradientVarianceEvery();
        return every > 0 && view.rollouts().iteration() % every == 0 ? measure(view.groups(), view.gradient()) : Map.of();
    }

    private static Map<String, AdvantageEstimator> baselines() {
        Map<String, AdvantageEstimator> m = new LinkedHashMap<>();
        m.put("opo", new OpoAdvantage());
        m.put("group_mean", new GrpoAdvantage(false, 0));
        m.put("none", new AdvantageEstimator() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public Advantages estimate(RolloutGroups r) {
                return Advantages.broadcast(r.outcomes().clone(), r.lengths());
            }
        });
        return m;
    }

    /**
     * @param groups        the batch's groups
     * @param groupGradient gradient of the loss on one group's rows given that group's per-token advantages
     *                      (argument: group index and the per-token advantages of the whole batch)
     * @return for each baseline, {@code gradient_variance_<name>}
     */
    static Map<String, Double> measure(RolloutGroups groups, IterationView.GroupGradient groupGradient) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, AdvantageEstimator> e : BASELINES.entrySet()) {
            float[][] advantages = e.getValue().estimate(groups).perToken();
            INDArray sum = null;
            double squares = 0; // Σ_p ‖g_p‖²
            for (int p = 0; p < groups.groups(); p++) {
                INDArray g = groupGradient.of(p, advantages);
                double norm = g.norm2Number().doubleValue();
                squares += norm * norm;
                sum = sum == null ? g.dup() : sum.addi(g);
            }
            int n = groups.groups();
            double meanNormSquared = sum.norm2Number().doubleValue() / n;
            // mean ‖g_p − ḡ‖² = mean ‖g_p‖² − ‖ḡ‖²
            out.put("gradient_variance_" + e.getKey(), squares / n - meanNormSquared * meanNormSquared);
        }
        return out;
    }

    /**
     * Concatenates gradients into one vector. {@link io.dl4jrl.train.GradientStep#gradients} returns them in
     * the graph's fixed variable order, so every group's vector lines up with every other's.
     */
    static INDArray flatten(Map<String, INDArray> gradients) {
        List<INDArray> parts = new java.util.ArrayList<>();
        for (INDArray g : gradients.values()) {
            parts.add(g.reshape(g.length()).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
        }
        return org.nd4j.linalg.factory.Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }
}
