package io.dl4jrl.train;

import java.util.SplittableRandom;

/**
 * An endless stream of epochs over {@code n} items, each epoch a permutation seeded by (seed, epoch): position p
 * of the stream is item {@code permutation(p / n)[p % n]}. Step s of a trainer with batch B takes positions
 * [s·B, (s+1)·B), so a run resumed at step s sees exactly the batches an uninterrupted run would have seen.
 */
public final class EpochOrder {
    private final long seed;
    private int[] permutation;
    private long epochOfPermutation = -1;

    public EpochOrder(long seed) {
        this.seed = seed;
    }

    /** The item at stream position {@code position} of a data set of {@code n} items. */
    public int item(long position, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("no items to order");
        }
        return permutation(position / n, n)[(int) (position % n)];
    }

    /** The items of step {@code step} with {@code batchSize} items per step. */
    public int[] batch(long step, int batchSize, int n) {
        int[] out = new int[batchSize];
        for (int j = 0; j < batchSize; j++) {
            out[j] = item(step * batchSize + j, n);
        }
        return out;
    }

    private int[] permutation(long epoch, int n) {
        if (epoch != epochOfPermutation || permutation == null || permutation.length != n) {
            permutation = new int[n];
            for (int i = 0; i < n; i++) {
                permutation[i] = i;
            }
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = permutation[i];
                permutation[i] = permutation[j];
                permutation[j] = t;
            }
            epochOfPermutation = epoch;
        }
        return permutation;
    }
}
