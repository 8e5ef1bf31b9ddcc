package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Clip-Cov and KL-Cov (Cui et al., 2025, "The Entropy Mechanism of RL for Reasoning LMs"; docs/algorithms.md, "Entropy
 * and clip-higher"), options on any PPO-family loss. A token's centred covariance is
 * {@code cov_t = (A_t − mean A)·(log π_t − mean log π)} over the response tokens of the update's mini-batch (the log-probs
 * of the policy being updated, held constant). Confident tokens with a high advantage lower the entropy most. The tokens
 * selected are fed as the 0/1 placeholder {@value #SELECTED}; in the graph:
 * <ul>
 *   <li>{@link Mode#CLIP_COV}: a random {@code ratio} share of the tokens whose covariance lies in {@code (lower, upper)},
 *       and which the PPO clip has not already cut off, lose their gradient: their per-token loss is multiplied by 0;</li>
 *   <li>{@link Mode#KL_COV}: the top {@code ratio} share of tokens by covariance get {@code klCoefficient · |log π − log π_old|}
 *       added to their loss.</li>
 * </ul>
 * At least one token is selected whenever any qualifies. Defaults are verl's: ratio 2e-4, bounds (1, 5), KL
 * coefficient 0.1.
 */
public record CovarianceControl(Mode mode, double ratio, double lower, double upper, double klCoefficient) implements java.io.Serializable {
    public static final String SELECTED = "covariance_selected";
    /** The metric: share of response tokens selected. */
    public static final String SELECTED_FRACTION = "covariance_selected_fraction";

    public enum Mode {
        NONE, CLIP_COV, KL_COV;

        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown covariance control '" + s + "'; use none, clip-cov or kl-cov");
            }
        }
    }

    public CovarianceControl {
        java.util.Objects.requireNonNull(mode, "mode");
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("covariance ratio must be in (0, 1], got " + ratio);
        }
        if (!(lower < upper) || Double.isInfinite(lower) || Double.isInfinite(upper)) {
            throw new IllegalArgumentException("Clip-Cov bounds must be finite with lower < upper, got (" + lower + ", " + upper + ")");
        }
        if (!(klCoefficient >= 0) || Double.isInfinite(klCoefficient)) {
            throw new IllegalArgumentException("KL-Cov coefficient must be a finite number >= 0, got " + klCoefficient);
        }
    }

    public static CovarianceControl none() {
        return new CovarianceControl(Mode.NONE, 2e-4, 1, 5, 0.1);
    }

    public boolean enabled() {
        return mode != Mode.NONE;
    }

    /** Applies the selection to a per-token policy loss (identity when off). */
    public SDVariable apply(RlInputs in, SDVariable perToken, SDVariable logProbs) {
        return switch (mode) {
            case NONE -> perToken;
            case CLIP_COV -> perToken.mul(in.get(SELECTED).rsub(1.0));
            case KL_COV -> perToken.add(in.get(SELECTED).mul(in.sameDiff().math.abs(logProbs.sub(in.oldLogProbs()))).mul(klCoefficient));
        };
    }

    /**
     * The selected tokens of the given rows, 1 where selected: rows of {@code logProbs[i].length}.
     *
     * @param logProbs    the current policy's log-probs of each row's response tokens
     * @param oldLogProbs the sampling policy's (for Clip-Cov's "not already clipped" test)
     * @param advantages  per-token advantages
     * @param trained     whether each row takes part in the loss (others are never selected)
     * @param clipLow     the PPO clip's lower bound ε_low
     * @param clipHigh    its upper bound ε_high
     */
    public float[][] select(float[][] logProbs, float[][] oldLogProbs, float[][] advantages, boolean[] trained, double clipLow, double clipHigh,
                            SplittableRandom random) {
        float[][] out = new float[logProbs.length][];
        double sumA = 0;
        double sumLp = 0;
        long n = 0;
        for (int i = 0; i < logProbs.length; i++) {
            out[i] = new float[logProbs[i].length];
            if (!trained[i]) {
                continue;
            }
            for (int t = 0; t < logProbs[i].length; t++) {
                sumA += advantages[i][t];
                sumLp += logProbs[i][t];
                n++;
            }
        }
        if (n == 0 || mode == Mode.NONE) {
            return out;
        }
        double meanA = sumA / n;
        double meanLp = sumLp / n;
        int count = Math.max(1, (int) (ratio * n));
        List<int[]> candidates = new ArrayList<>();
        List<Double> covariance = new ArrayList<>();
        for (int i = 0; i < logProbs.length; i++) {
            if (!trained[i]) {
                continue;
            }
            for (int t = 0; t < logProbs[i].length; t++) {
                double cov = (advantages[i][t] - meanA) * (logProbs[i][t] - meanLp);
                if (mode == Mode.CLIP_COV) {
                    double rho = Math.exp(Math.max(-PpoClipLoss.MAX_LOG_RATIO, Math.min(PpoClipLoss.MAX_LOG_RATIO, logProbs[i][t] - oldLogProbs[i][t])));
                    double a = advantages[i][t];
                    boolean clipped = -a * Math.max(1 - clipLow, Math.min(1 + clipHigh, rho)) > -a * rho;
                    if (clipped || !(cov > lower && cov < upper)) {
                        continue;
                    }
                }
                candidates.add(new int[]{i, t});
                covariance.add(cov);
            }
        }
        if (candidates.isEmpty()) {
            return out;
        }
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < candidates.size(); k++) {
            order.add(k);
        }
        if (mode == Mode.KL_COV) {
            order.sort((x, y) -> Double.compare(covariance.get(y), covariance.get(x))); // largest first
        } else {
            for (int k = order.size() - 1; k > 0; k--) { // a seeded shuffle: a random subset
                int j = random.nextInt(k + 1);
                Integer tmp = order.get(k);
                order.set(k, order.get(j));
                order.set(j, tmp);
            }
        }
        for (int k = 0; k < Math.min(count, order.size()); k++) {
            int[] c = candidates.get(order.get(k));
            out[c[0]][c[1]] = 1f;
        }
        return out;
    }
}
