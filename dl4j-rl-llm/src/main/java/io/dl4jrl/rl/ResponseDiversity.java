package io.dl4jrl.rl;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Diversity of a batch of sampled responses, the measures OPO (Hao et al., 2025) reports next to entropy:
 * <ul>
 *   <li>distinct-n: distinct token n-grams over all n-grams of all responses (Li et al., 2016), 1 = no n-gram
 *       appears twice anywhere in the batch;</li>
 *   <li>repetition rate: share of responses that repeat one of their own n-grams (a loop, e.g. the same
 *       line written twice).</li>
 * </ul>
 * Responses shorter than n contribute no n-grams and do not count as repetitive.
 */
public final class ResponseDiversity {
    private ResponseDiversity() {
    }

    /** Distinct n-grams / all n-grams over {@code responses}; 0 when there are no n-grams. */
    public static double distinctN(List<int[]> responses, int n) {
        requirePositive(n);
        Set<NGram> distinct = new HashSet<>();
        long total = 0;
        for (int[] r : responses) {
            for (int i = 0; i + n <= r.length; i++) {
                distinct.add(new NGram(r, i, n));
                total++;
            }
        }
        return total == 0 ? 0 : (double) distinct.size() / total;
    }

    /** Share of responses containing some n-gram twice; 0 for an empty batch. */
    public static double repetitionRate(List<int[]> responses, int n) {
        requirePositive(n);
        if (responses.isEmpty()) {
            return 0;
        }
        int repetitive = 0;
        for (int[] r : responses) {
            Set<NGram> seen = new HashSet<>();
            for (int i = 0; i + n <= r.length; i++) {
                if (!seen.add(new NGram(r, i, n))) {
                    repetitive++;
                    break;
                }
            }
        }
        return (double) repetitive / responses.size();
    }

    private static void requirePositive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
    }

    /** An n-gram as a view on a token array; equal by content. */
    private record NGram(int[] tokens, int from, int n) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof NGram other) || other.n != n) {
                return false;
            }
            for (int k = 0; k < n; k++) {
                if (tokens[from + k] != other.tokens[other.from + k]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = n;
            for (int k = 0; k < n; k++) {
                h = 31 * h + tokens[from + k];
            }
            return h;
        }
    }
}
