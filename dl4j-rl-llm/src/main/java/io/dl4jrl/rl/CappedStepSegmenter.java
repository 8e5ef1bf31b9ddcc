package io.dl4jrl.rl;

import io.dl4jrl.text.Tokenizer;

/**
 * Caps the number of steps another segmenter produces, bounding VinePPO's rollout cost per response: with n
 * steps over the cap m, step boundaries are kept at steps ⌈(i+1)·n/m⌉ − 1 for i = 0..m−1, which merges
 * neighbouring steps evenly and always keeps the response's end.
 */
public record CappedStepSegmenter(StepSegmenter inner, int maxSteps) implements StepSegmenter {

    public CappedStepSegmenter {
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must be >= 0 (0 = no cap), got " + maxSteps);
        }
    }

    @Override
    public int[] stepEnds(int[] response, Tokenizer tokenizer) {
        return cap(inner.stepEnds(response, tokenizer), maxSteps);
    }

    static int[] cap(int[] ends, int maxSteps) {
        int n = ends.length;
        if (maxSteps == 0 || n <= maxSteps) {
            return ends;
        }
        int[] out = new int[maxSteps];
        for (int i = 0; i < maxSteps; i++) {
            int step = (int) Math.ceil((double) (i + 1) * n / maxSteps) - 1;
            out[i] = ends[step];
        }
        return out;
    }
}
