package io.dl4jrl.rl;

import io.dl4jrl.text.Tokenizer;

/**
 * Splits a response into reasoning steps, for step-level credit assignment (VinePPO's states are the
 * boundaries between steps). Boundaries fall between tokens, never inside one.
 */
public interface StepSegmenter {

    /**
     * Token index where each step ends (exclusive), ascending; the last is {@code response.length}. An empty
     * response has no steps (an empty array).
     */
    int[] stepEnds(int[] response, Tokenizer tokenizer);
}
