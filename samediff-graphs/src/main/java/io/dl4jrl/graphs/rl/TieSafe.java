package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Element-wise min and max whose value is exact and whose gradient at a tie goes to one argument only.
 * ND4J's maximum/minimum backprop passes the full gradient to both inputs when they are equal, which doubles
 * PPO's gradient whenever the ratio lies inside the clip range (the two surrogate terms are then equal) and the
 * value loss's whenever the value moved less than the clip. Both are a selection by a 0/1 mask, {@code m·a +
 * (1 − m)·b} with {@code m = [a ≤ b]} (min) or {@code [a ≥ b]} (max): the comparison carries no gradient, so a tie
 * differentiates as {@code a}. An earlier form, {@code a − relu(a − b)}, lost {@code b} in float32 when a ≫ b
 * (PPO's loss read −1.0 instead of −1.2 at ratio e^16, 0 at e^20; {@code RlLossesTest.ppoValuesAreExactAtExtremeRatios}).
 * Both arguments must be finite ({@code 0·∞} is NaN), which is why PPO clamps its log-ratio before {@code exp}.
 */
final class TieSafe {
    private TieSafe() {
    }

    static SDVariable min(SameDiff sd, SDVariable a, SDVariable b) {
        return select(sd.lte(a, b).castTo(a.dataType()), a, b);
    }

    static SDVariable max(SameDiff sd, SDVariable a, SDVariable b) {
        return select(sd.gte(a, b).castTo(a.dataType()), a, b);
    }

    /** {@code mask·a + (1 − mask)·b}. */
    private static SDVariable select(SDVariable mask, SDVariable a, SDVariable b) {
        return mask.mul(a).add(mask.rsub(1.0).mul(b));
    }
}
