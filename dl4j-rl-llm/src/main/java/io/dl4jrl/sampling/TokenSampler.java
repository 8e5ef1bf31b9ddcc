package io.dl4jrl.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from one row of logits: greedy, or a draw from the temperature-scaled distribution
 * restricted by top-k and top-p. Plain Java over the vocabulary: ND4J has no fused top-p op, and one row is
 * at most a vocabulary's worth of numbers, far below the cost of the forward pass that produced it.
 */
final class TokenSampler {
    private final SamplingConfig config;
    private final Integer[] order;
    private final double[] scaled;
    private final double[] probs;

    TokenSampler(SamplingConfig config, int vocabSize) {
        this.config = config;
        this.order = new Integer[vocabSize];
        this.scaled = new double[vocabSize];
        this.probs = new double[vocabSize];
    }

    /** Returns the chosen token; writes its log-probability (see {@link SampleBatch#logProbs}) to {@code logProbOut[0]}. */
    int choose(float[] logits, SplittableRandom random, double[] logProbOut) {
        int v = logits.length;
        double t = config.greedy() ? 1.0 : config.temperature();
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            scaled[i] = logits[i] / t;
            max = Math.max(max, scaled[i]);
        }
        double sum = 0;
        for (int i = 0; i < v; i++) {
            probs[i] = Math.exp(scaled[i] - max);
            sum += probs[i];
        }
        double logZ = max + Math.log(sum);
        int chosen;
        if (config.greedy()) {
            chosen = 0;
            for (int i = 1; i < v; i++) {
                if (scaled[i] > scaled[chosen]) {
                    chosen = i;
                }
            }
        } else {
            chosen = draw(sum, random);
        }
        logProbOut[0] = scaled[chosen] - logZ;
        return chosen;
    }

    private int draw(double sum, SplittableRandom random) {
        int v = probs.length;
        int keep = v;
        if (config.topK() > 0 || config.topP() < 1.0) {
            for (int i = 0; i < v; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
            keep = config.topK() > 0 ? Math.min(config.topK(), v) : v;
            if (config.topP() < 1.0) {
                double cumulative = 0;
                for (int i = 0; i < keep; i++) {
                    cumulative += probs[order[i]] / sum;
                    if (cumulative >= config.topP()) {
                        keep = i + 1;
                        break;
                    }
                }
            }
            double kept = 0;
            for (int i = 0; i < keep; i++) {
                kept += probs[order[i]];
            }
            double u = random.nextDouble() * kept;
            for (int i = 0; i < keep; i++) {
                u -= probs[order[i]];
                if (u <= 0) {
                    return order[i];
                }
            }
            return order[keep - 1];
        }
        double u = random.nextDouble() * sum;
        for (int i = 0; i < v; i++) {
            u -= probs[i];
            if (u <= 0) {
                return i;
            }
        }
        return v - 1;
    }
}
