package io.dl4jrl.rl;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class GradientVarianceProbeTest {

    @Test
    void varianceAcrossGroupsOfAStandInGradient() {
        // Two groups of two single-token responses, rewards [1, 0 | 1, 1]. Stand-in "gradient" of a group: the
        // sum of its advantages and the sum of its first response's advantage, as a 2-vector.
        RolloutGroups groups = RolloutGroups.ofOutcomes(2, new int[]{1, 1, 1, 1}, new double[]{1, 0, 1, 1});
        Map<String, Double> v = GradientVarianceProbe.measure(groups, (p, a) ->
                Nd4j.createFromArray(a[2 * p][0] + a[2 * p + 1][0], a[2 * p][0]).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
        // none: g0 = (1, 1), g1 = (2, 1); mean (1.5, 1); variance = mean of 0.25 and 0.25 = 0.25
        assertEquals(0.25, v.get("gradient_variance_none"), 1e-9);
        // group mean: advantages [0.5, -0.5 | 0, 0]: g0 = (0, 0.5), g1 = (0, 0); mean (0, 0.25); variance 0.0625
        assertEquals(0.0625, v.get("gradient_variance_group_mean"), 1e-9);
        // OPO with equal lengths is the group mean
        assertEquals(v.get("gradient_variance_group_mean"), v.get("gradient_variance_opo"), 1e-12);
    }
}
