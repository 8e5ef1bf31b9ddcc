package io.dl4jrl.train;

import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.ShapeBuckets;
import io.dl4jrl.graphs.SftLoss;
import io.dl4jrl.graphs.TokenLogProbs;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.Tokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Teacher-forcing arrays for a batch of problems. Each sequence is prompt + solution + end-of-sequence;
 * inputs are the sequence without its last token, targets without its first, right-padded; the loss mask
 * is 1 exactly where the target is a solution or end-of-sequence token.
 */
public record SftBatch(INDArray inputIds, INDArray targetIds, INDArray lossMask, long trainedTokens, long totalTokens) {

    public static SftBatch of(List<Problem> problems, Tokenizer tokenizer, PromptFormat format) {
        return of(problems, tokenizer, format, 0);
    }

    /**
     * As {@link #of(List, Tokenizer, PromptFormat)}, with the width rounded up to {@link ShapeBuckets#width} (at most
     * {@code maxWidth}, the policy's context length) so that the passes of a run reuse each other's buffers; 0 pads to
     * the longest row only.
     */
    public static SftBatch of(List<Problem> problems, Tokenizer tokenizer, PromptFormat format, int maxWidth) {
        int n = problems.size();
        int[][] seqs = new int[n][];
        int[] promptLengths = new int[n];
        int width = 0;
        for (int i = 0; i < n; i++) {
            int[] prompt = tokenizer.encode(format.prompt(problems.get(i)));
            int[] target = tokenizer.encode(format.target(problems.get(i)));
            int[] seq = Arrays.copyOf(prompt, prompt.length + target.length + 1);
            System.arraycopy(target, 0, seq, prompt.length, target.length);
            seq[seq.length - 1] = tokenizer.eosId();
            seqs[i] = seq;
            promptLengths[i] = prompt.length;
            width = Math.max(width, seq.length - 1);
        }
        if (maxWidth > 0) {
            width = ShapeBuckets.width(width, maxWidth);
        }
        int[][] input = new int[n][width];
        int[][] targets = new int[n][width];
        float[][] mask = new float[n][width];
        long trained = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            int[] seq = seqs[i];
            for (int t = 0; t < width; t++) {
                input[i][t] = t < seq.length - 1 ? seq[t] : tokenizer.padId();
                targets[i][t] = t < seq.length - 1 ? seq[t + 1] : tokenizer.padId();
                if (t < seq.length - 1 && t + 1 >= promptLengths[i]) {
                    mask[i][t] = 1f;
                    trained++;
                }
            }
            total += seq.length - 1;
        }
        return new SftBatch(Nd4j.createFromArray(input).castTo(DataType.INT32), Nd4j.createFromArray(targets).castTo(DataType.INT32),
                Nd4j.createFromArray(mask), trained, total);
    }

    /** Length of the longest full sequence (prompt + solution + eos) of a problem, in tokens. */
    public static int sequenceLength(Problem p, Tokenizer tokenizer, PromptFormat format) {
        return tokenizer.encode(format.prompt(p)).length + tokenizer.encode(format.target(p)).length + 1;
    }

    /** Consecutive parts of at most {@code rows} sequences (this batch itself when it is no larger). */
    public java.util.List<SftBatch> split(int rows) {
        long n = inputIds.size(0);
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        if (rows >= n) {
            return java.util.List.of(this);
        }
        java.util.List<SftBatch> parts = new java.util.ArrayList<>();
        for (long from = 0; from < n; from += rows) {
            org.nd4j.linalg.indexing.INDArrayIndex r = org.nd4j.linalg.indexing.NDArrayIndex.interval(from, Math.min(n, from + rows));
            org.nd4j.linalg.indexing.INDArrayIndex all = org.nd4j.linalg.indexing.NDArrayIndex.all();
            INDArray mask = lossMask.get(r, all).dup();
            parts.add(new SftBatch(inputIds.get(r, all).dup(), targetIds.get(r, all).dup(), mask, (long) mask.sumNumber().doubleValue(),
                    mask.length()));
        }
        return parts;
    }

    public Map<String, INDArray> feed(PolicyGraph policy) {
        return Map.of(policy.inputIds(), inputIds, TokenLogProbs.TARGET_IDS, targetIds, SftLoss.LOSS_MASK, lossMask);
    }
}
