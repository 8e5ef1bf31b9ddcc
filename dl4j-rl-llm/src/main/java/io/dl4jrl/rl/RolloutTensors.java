package io.dl4jrl.rl;

import io.dl4jrl.graphs.ShapeBuckets;
import io.dl4jrl.sampling.SampleBatch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Teacher-forcing layout of sampled rollouts for the policy graph. Row i is prompt_i + response_i: inputs are
 * the sequence without its last token, targets without its first, right-padded to the batch's widest row.
 * Response token t of row i is the target at column {@code offset(i) + t}, {@code offset(i) = |prompt_i| − 1};
 * every per-token quantity (old/reference log-probs, advantages, returns, values, the response mask) is
 * placed at those columns and is 0 elsewhere.
 */
public final class RolloutTensors {
    private final int rows;
    private final int width;
    private final int[] offsets;
    private final int[] lengths;
    private final int[][] inputs;
    private final int[][] targets;
    private final boolean[] trained;

    /** Padded to the widest row exactly. */
    public RolloutTensors(SampleBatch batch, int padId) {
        this(batch, padId, 0);
    }

    /**
     * Padded to the widest row rounded up to {@link ShapeBuckets#width} (at most {@code maxWidth}, the policy's context
     * length), so that the passes of a run reuse each other's buffers; 0 rounds nothing.
     */
    public RolloutTensors(SampleBatch batch, int padId, int maxWidth) {
        this(batch, padId, maxWidth, null);
    }

    /**
     * @param trained which rows the loss counts ({@link #lossMask}); null: all (DAPO's overlong filtering passes the
     *                rows that finished, leaving out those the budget cut off)
     */
    public RolloutTensors(SampleBatch batch, int padId, int maxWidth, boolean[] trained) {
        this.rows = batch.size();
        if (trained != null && trained.length != rows) {
            throw new IllegalArgumentException("trained flags for " + trained.length + " rows, the batch has " + rows);
        }
        this.trained = trained == null ? null : trained.clone();
        this.offsets = new int[rows];
        this.lengths = new int[rows];
        int w = 1;
        for (int i = 0; i < rows; i++) {
            offsets[i] = batch.prompts()[i].length - 1;
            lengths[i] = batch.length(i);
            w = Math.max(w, batch.prompts()[i].length + batch.length(i) - 1);
        }
        this.width = maxWidth > 0 ? ShapeBuckets.width(w, Math.max(w, maxWidth)) : w;
        this.inputs = new int[rows][width];
        this.targets = new int[rows][width];
        for (int i = 0; i < rows; i++) {
            int[] prompt = batch.prompts()[i];
            int[] response = batch.responses()[i];
            int n = prompt.length + response.length;
            for (int c = 0; c < width; c++) {
                inputs[i][c] = c < n - 1 ? token(prompt, response, c) : padId;
                targets[i][c] = c < n - 1 ? token(prompt, response, c + 1) : padId;
            }
        }
    }

    private static int token(int[] prompt, int[] response, int position) {
        return position < prompt.length ? prompt[position] : response[position - prompt.length];
    }

    public int rows() {
        return rows;
    }

    public int width() {
        return width;
    }

    public int[] lengths() {
        return lengths;
    }

    public INDArray inputIds(int[] rowSelection) {
        return ids(inputs, rowSelection);
    }

    public INDArray targetIds(int[] rowSelection) {
        return ids(targets, rowSelection);
    }

    private INDArray ids(int[][] source, int[] rowSelection) {
        int[][] out = new int[rowSelection.length][];
        for (int k = 0; k < rowSelection.length; k++) {
            out[k] = source[rowSelection[k]];
        }
        return Nd4j.createFromArray(out).castTo(DataType.INT32);
    }

    /** 1 at response positions of the selected rows. */
    public INDArray responseMask(int[] rowSelection) {
        float[][] perToken = new float[rows][];
        for (int i = 0; i < rows; i++) {
            perToken[i] = new float[lengths[i]];
            java.util.Arrays.fill(perToken[i], 1f);
        }
        return place(perToken, rowSelection);
    }

    /** Whether the loss counts row i. */
    public boolean trained(int i) {
        return trained == null || trained[i];
    }

    /** The response mask of the rows the loss counts: {@link #responseMask}, zero on rows left out of the loss. */
    public INDArray lossMask(int[] rowSelection) {
        float[][] perToken = new float[rows][];
        for (int i = 0; i < rows; i++) {
            perToken[i] = new float[lengths[i]];
            java.util.Arrays.fill(perToken[i], trained(i) ? 1f : 0f);
        }
        return place(perToken, rowSelection);
    }

    /** Per-token values (row i of length lengths[i]) placed at the response positions of the selected rows. */
    public INDArray place(float[][] perToken, int[] rowSelection) {
        float[][] out = new float[rowSelection.length][width];
        for (int k = 0; k < rowSelection.length; k++) {
            int i = rowSelection[k];
            System.arraycopy(perToken[i], 0, out[k], offsets[i], lengths[i]);
        }
        return Nd4j.createFromArray(out);
    }

    /** Reads the response positions of a {@code [selected rows, width]} matrix back into per-token rows. */
    public void gather(INDArray matrix, int[] rowSelection, float[][] into) {
        float[][] m = matrix.toFloatMatrix();
        for (int k = 0; k < rowSelection.length; k++) {
            int i = rowSelection[k];
            into[i] = java.util.Arrays.copyOfRange(m[k], offsets[i], offsets[i] + lengths[i]);
        }
    }

    public static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
