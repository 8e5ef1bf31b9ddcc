package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.ThreadSafeArrayHolder;

/**
 * Works around SameDiff M2.1 keeping every variable and constant array twice.
 *
 * <p>The bug: a new {@code SameDiff} stores its arrays in {@code ThreadSafeArrayHolder(true)}, whose
 * {@code DeviceLocalNDArray} in "delayed" mode keeps, next to the array itself, a {@code dup()} to copy to other
 * devices later; the copy is dropped only once every other device has taken it, which on a one-device (CPU) backend
 * never happens. So a graph's weights cost twice their size: 4 GB instead of 2 GB for a Qwen2.5-0.5B-shaped policy,
 * and an RL run holds three such graphs (docs/performance.md, "Real-size models"). The same holder without delayed
 * mode stores the array itself on the one device. The check that proves the workaround is
 * {@code SingleCopyArraysTest}, which reads the holder's spare copy and finds none (and finds one without this).
 *
 * <p>The built-in graph builders call {@link #apply}; call it on your own SameDiff model before handing it to a
 * trainer to save the same memory.
 */
public final class SingleCopyArrays {
    private SingleCopyArrays() {
    }

    /** Moves {@code sd}'s variable and constant arrays into holders that keep one copy (idempotent). */
    public static SameDiff apply(SameDiff sd) {
        if (!(sd.getVariablesArrays() instanceof SingleCopyHolder)) {
            sd.setArrayHolders(new SingleCopyHolder(), new SingleCopyHolder(), true);
        }
        return sd;
    }

    /** {@code ThreadSafeArrayHolder} without delayed mode, named so {@link #apply} can tell it has run. */
    static final class SingleCopyHolder extends ThreadSafeArrayHolder {
        SingleCopyHolder() {
            super(false);
        }
    }
}
