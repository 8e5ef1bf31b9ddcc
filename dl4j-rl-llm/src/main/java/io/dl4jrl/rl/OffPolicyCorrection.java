package io.dl4jrl.rl;

import io.dl4jrl.graphs.rl.PpoClipLoss;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Importance weights for the gap between the policy that sampled the rollouts (the sampler's own log-probs, kept with
 * each rollout) and the policy the trainer scores them with (docs/algorithms.md, "Off-policy correction"). The two
 * differ when the sampler runs in another precision or engine (a BF16 or KV-cached sampler against an FP32 trainer) or
 * lags the trainer (asynchronous rollouts). The weight of token t is {@code w_t = π_trainer(y_t)/π_sampler(y_t)}; of a
 * sequence, {@code w_i = Π_t w_t} (its log clamped to ±{@link PpoClipLoss#MAX_LOG_RATIO}). Each per-token policy loss
 * is multiplied by its (token's or sequence's) weight, held constant:
 * <ul>
 *   <li>TIS, truncated importance sampling: {@code min(w, C)} (bounded variance, slightly biased);</li>
 *   <li>MIS, masked importance sampling: {@code w} where {@code w ≤ C}, 0 above it (tokens or sequences that moved too
 *       far are left out instead of capped).</li>
 * </ul>
 */
public enum OffPolicyCorrection {
    NONE, TIS_TOKEN, TIS_SEQUENCE, MIS_TOKEN, MIS_SEQUENCE;

    /** The metric: k3 estimate of KL(π_sampler ‖ π_trainer) per response token, from the sampler's own tokens. */
    public static final String MISMATCH_KL = "sampler_mismatch_kl";
    /** The metric: largest |log π_trainer − log π_sampler| over response tokens. */
    public static final String MISMATCH_MAX = "sampler_mismatch_max";
    public static final String WEIGHT_MEAN = "is_weight_mean";
    /** Share of tokens (or sequences) whose weight was truncated (TIS) or masked (MIS). */
    public static final String CORRECTED_FRACTION = "is_corrected_fraction";

    public boolean sequenceLevel() {
        return this == TIS_SEQUENCE || this == MIS_SEQUENCE;
    }

    /**
     * Per-token weights, row i of {@code trainer[i].length}; null for {@link #NONE}.
     *
     * @param trainer   the trainer's log-probs of each response token
     * @param sampler   the sampler's log-probs of the same tokens
     * @param threshold C (> 1)
     */
    public float[][] weights(float[][] trainer, float[][] sampler, double threshold) {
        if (this == NONE) {
            return null;
        }
        requireAligned(trainer, sampler);
        float[][] w = new float[trainer.length][];
        for (int i = 0; i < trainer.length; i++) {
            w[i] = new float[trainer[i].length];
            if (sequenceLevel()) {
                double logW = 0;
                for (int t = 0; t < trainer[i].length; t++) {
                    logW += trainer[i][t] - sampler[i][t];
                }
                java.util.Arrays.fill(w[i], (float) corrected(Math.exp(clampLog(logW)), threshold));
            } else {
                for (int t = 0; t < trainer[i].length; t++) {
                    w[i][t] = (float) corrected(Math.exp(clampLog(trainer[i][t] - sampler[i][t])), threshold);
                }
            }
        }
        return w;
    }

    private double corrected(double w, double threshold) {
        return switch (this) {
            case TIS_TOKEN, TIS_SEQUENCE -> Math.min(w, threshold);
            case MIS_TOKEN, MIS_SEQUENCE -> w <= threshold ? w : 0.0;
            case NONE -> w;
        };
    }

    private static double clampLog(double logW) {
        return Math.max(-PpoClipLoss.MAX_LOG_RATIO, Math.min(PpoClipLoss.MAX_LOG_RATIO, logW));
    }

    /** The mismatch metrics (always) and, with a correction, the weights' mean and corrected share. */
    public Map<String, Double> metrics(float[][] trainer, float[][] sampler, float[][] weights, double threshold) {
        requireAligned(trainer, sampler);
        double kl = 0;
        double max = 0;
        long tokens = 0;
        for (int i = 0; i < trainer.length; i++) {
            for (int t = 0; t < trainer[i].length; t++) {
                double d = trainer[i][t] - sampler[i][t]; // log r, r = π_trainer/π_sampler
                kl += Math.expm1(clampLog(d)) - clampLog(d);
                max = Math.max(max, Math.abs(d));
                tokens++;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(MISMATCH_KL, tokens == 0 ? 0.0 : kl / tokens);
        m.put(MISMATCH_MAX, max);
        if (weights != null) {
            double sum = 0;
            long units = 0;
            long corrected = 0;
            for (int i = 0; i < weights.length; i++) {
                int n = weights[i].length;
                for (int t = 0; t < (sequenceLevel() ? Math.min(1, n) : n); t++) {
                    sum += weights[i][t];
                    units++;
                    boolean cut = this == TIS_TOKEN || this == TIS_SEQUENCE ? weights[i][t] >= threshold : weights[i][t] == 0;
                    corrected += cut ? 1 : 0;
                }
            }
            m.put(WEIGHT_MEAN, units == 0 ? 1.0 : sum / units);
            m.put(CORRECTED_FRACTION, units == 0 ? 0.0 : (double) corrected / units);
        }
        return m;
    }

    private static void requireAligned(float[][] trainer, float[][] sampler) {
        if (trainer.length != sampler.length) {
            throw new IllegalArgumentException("trainer log-probs of " + trainer.length + " rollouts, sampler's of " + sampler.length);
        }
        for (int i = 0; i < trainer.length; i++) {
            if (trainer[i].length != sampler[i].length) {
                throw new IllegalArgumentException("rollout " + i + ": trainer log-probs of " + trainer[i].length + " tokens, sampler's of "
                        + sampler[i].length);
            }
        }
    }

    /** Parses {@code none}, {@code tis-token}, {@code tis-sequence}, {@code mis-token}, {@code mis-sequence} (or the enum names). */
    public static OffPolicyCorrection parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown off-policy correction '" + s + "'; use none, tis-token, tis-sequence, mis-token or mis-sequence");
        }
    }
}
