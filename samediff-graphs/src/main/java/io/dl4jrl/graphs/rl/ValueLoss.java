package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * PPO's clipped value loss, per token: {@code ½·max((V − R)², (V_old + clip(V − V_old, −ε_v, ε_v) − R)²)}
 * (docs/algorithms.md). ε_v = 0 disables the clip: {@code ½ (V − R)²}.
 */
public final class ValueLoss {
    private ValueLoss() {
    }

    public static SDVariable perToken(RlInputs in, SDVariable values, double clip) {
        SameDiff sd = in.sameDiff();
        SDVariable r = in.returns();
        SDVariable error = values.sub(r);
        SDVariable squared = error.mul(error);
        if (clip <= 0) {
            return squared.mul(0.5);
        }
        SDVariable old = in.oldValues();
        SDVariable clippedValue = old.add(sd.math.clipByValue(values.sub(old), -clip, clip));
        SDVariable clippedError = clippedValue.sub(r);
        return TieSafe.max(sd, squared, clippedError.mul(clippedError)).mul(0.5);
    }
}
