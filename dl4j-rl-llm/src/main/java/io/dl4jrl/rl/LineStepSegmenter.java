package io.dl4jrl.rl;

import io.dl4jrl.text.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * VinePPO's default segmentation (Kazemnejad et al., 2024, official code): one step per line; a piece shorter
 * than {@code minChars} characters is merged into the next one (the last into the previous), and the final
 * answer line ({@code answerPrefix}, e.g. {@code "####"}) joins the step before it, so the answer is never a
 * state of its own. A boundary inside a token moves to the end of that token.
 */
public record LineStepSegmenter(int minChars, String answerPrefix) implements StepSegmenter {

    public LineStepSegmenter {
        if (minChars < 0) {
            throw new IllegalArgumentException("minChars must be >= 0, got " + minChars);
        }
    }

    /** Lines, pieces under 20 characters merged, the {@code ####} line joined to the last step. */
    public LineStepSegmenter() {
        this(20, "####");
    }

    @Override
    public int[] stepEnds(int[] response, Tokenizer tokenizer) {
        if (response.length == 0) {
            return new int[0];
        }
        String text = tokenizer.decode(response);
        int[] offsets = tokenizer.charOffsets(response);
        // Character cut positions after each newline, then merged.
        List<int[]> pieces = new ArrayList<>(); // [start, end) in characters
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n' && i + 1 < text.length()) {
                pieces.add(new int[]{start, i + 1});
                start = i + 1;
            }
        }
        pieces.add(new int[]{start, text.length()});
        if (answerPrefix != null && !answerPrefix.isEmpty() && pieces.size() > 1
                && text.substring(pieces.get(pieces.size() - 1)[0]).stripLeading().startsWith(answerPrefix)) {
            mergeWithPrevious(pieces, pieces.size() - 1);
        }
        for (int k = 0; k < pieces.size() && pieces.size() > 1; ) {
            int[] p = pieces.get(k);
            if (p[1] - p[0] >= minChars) {
                k++;
            } else if (k + 1 < pieces.size()) {
                pieces.get(k + 1)[0] = p[0]; // into the next piece
                pieces.remove(k);
            } else {
                mergeWithPrevious(pieces, k); // the last piece goes into the one before
            }
        }
        // Characters to tokens: a step ends at the first token that starts at or after its character end.
        int[] ends = new int[pieces.size()];
        int token = 0;
        for (int k = 0; k < pieces.size(); k++) {
            int charEnd = pieces.get(k)[1];
            while (token < response.length && offsets[token] < charEnd) {
                token++;
            }
            ends[k] = k == pieces.size() - 1 ? response.length : token;
        }
        return dropEmpty(ends);
    }

    private static void mergeWithPrevious(List<int[]> pieces, int k) {
        pieces.get(k - 1)[1] = pieces.get(k)[1];
        pieces.remove(k);
    }

    /** Two pieces can end at the same token when a token spans both; keep each end once. */
    private static int[] dropEmpty(int[] ends) {
        int n = 0;
        int[] out = new int[ends.length];
        int previous = 0;
        for (int e : ends) {
            if (e > previous) {
                out[n++] = e;
                previous = e;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
