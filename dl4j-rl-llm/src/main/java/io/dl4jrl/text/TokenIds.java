package io.dl4jrl.text;

import java.util.Arrays;

/** Small operations on token-id sequences. */
public final class TokenIds {
    private TokenIds() {
    }

    /** {@code a} followed by {@code b}. */
    public static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
