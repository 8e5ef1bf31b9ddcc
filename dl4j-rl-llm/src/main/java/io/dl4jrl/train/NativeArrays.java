package io.dl4jrl.train;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Frees the native memory of arrays a SameDiff pass handed back, now rather than when the garbage collector gets to
 * their small Java objects (the reason an RL iteration's resident memory used to depend on when the JVM collected).
 *
 * <p>Arrays of one pass can share a buffer (an output that is an identity of another, a gradient that is a view), so
 * each buffer is closed once, and never one that {@code keep} still uses.
 */
public final class NativeArrays {
    private NativeArrays() {
    }

    public static void close(Collection<INDArray> arrays) {
        close(arrays, Collections.emptySet());
    }

    /** Closes every distinct buffer of {@code arrays} that is not a buffer of {@code keep}. */
    public static void close(Collection<INDArray> arrays, Collection<INDArray> keep) {
        Set<DataBuffer> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        for (INDArray k : keep) {
            if (k != null && !k.wasClosed()) {
                kept.add(k.data());
            }
        }
        Set<DataBuffer> closed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (INDArray a : arrays) {
            if (a == null || a.wasClosed() || !a.closeable()) {
                continue;
            }
            DataBuffer b = a.data();
            if (kept.contains(b) || !closed.add(b)) {
                continue;
            }
            a.close();
        }
    }
}
