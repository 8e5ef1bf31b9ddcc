package io.dl4jrl.text;

import java.util.Arrays;
import java.util.List;

/** Small operations on token-id sequences. */
public final class TokenIds {
    private TokenIds() {
    }

    /**
     * Rows {@code [from, to)} of {@code sequences} right-padded with {@code padId} to the longest of them (at least 1
     * column), for a causal model's batch: padding after a row's end never reaches its real positions.
     */
    public static int[][] rightPadded(List<int[]> sequences, int from, int to, int padId) {
        int width = 1;
        for (int i = from; i < to; i++) {
            width = Math.max(width, sequences.get(i).length);
        }
        int[][] ids = new int[to - from][width];
        for (int i = from; i < to; i++) {
            int[] s = sequences.get(i);
            Arrays.fill(ids[i - from], s.length, width, padId);
            System.arraycopy(s, 0, ids[i - from], 0, s.length);
        }
        return ids;
    }

    /** {@code a} followed by {@code b}. */
    public static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
