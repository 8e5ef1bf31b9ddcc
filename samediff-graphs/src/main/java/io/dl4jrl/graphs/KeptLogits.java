package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * Next-token logits only at the positions a loss reads (TRL's {@code logits_to_keep}, see docs/performance.md,
 * "Response-only log-probs"): {@code [N, vocab]} for the N kept positions instead of {@code [batch, time, vocab]}.
 * In RL the kept positions are the response tokens; in bench's GRPO iteration the prompt is about half of a row,
 * so the LM head, the softmax and every array of vocabulary width shrink about 2x, forward and backward.
 *
 * <p>When the policy names its head weight, the hidden rows are picked first and only they are projected (the
 * prompt positions never reach the head); otherwise the rows are picked from the full logits, which still keeps
 * the softmax and its gradient to N rows. Both picks are {@link EmbeddingRows} lookups, whose gradient adds
 * into the picked rows, so gradients are exact.
 *
 * <p>Two placeholders say which positions are kept, both over the flattened {@code [batch·time]} positions
 * {@code p = b·T + t}: {@value #KEPT_POSITIONS} {@code [N]} lists them, {@value #KEPT_SLOTS} {@code [batch·time]}
 * holds {@code k + 1} at the k-th kept position and 0 elsewhere ({@link #spread} uses it to put per-position values
 * back at their columns). {@link #feed} makes both from a {@code [batch, time]} mask.
 */
public final class KeptLogits {
    public static final String KEPT_POSITIONS = "kept_positions";
    public static final String KEPT_SLOTS = "kept_slots";
    public static final String KEPT_LOGITS = "kept_logits";

    private KeptLogits() {
    }

    /** The graph's kept logits {@code [N, vocab]} (not divided by any temperature), added once. */
    public static SDVariable attach(PolicyGraph policy, int vocabSize) {
        SameDiff sd = policy.sameDiff();
        if (sd.hasVariable(KEPT_LOGITS)) {
            return sd.getVariable(KEPT_LOGITS);
        }
        SDVariable positions = sd.placeHolder(KEPT_POSITIONS, DataType.INT64, -1);
        sd.placeHolder(KEPT_SLOTS, DataType.INT64, -1);
        if (policy.headWeight().isPresent()) {
            SDVariable head = sd.getVariable(policy.headWeight().get());
            long width = head.getArr().size(1);
            SDVariable rows = EmbeddingRows.lookup(sd, sd.reshape(policy.hiddenVariable(), -1, width), positions); // [N, width]
            return sd.mmul(KEPT_LOGITS, rows, head, false, true, false);                                     // [N, vocab]
        }
        return sd.identity(KEPT_LOGITS,
                EmbeddingRows.lookup(sd, sd.reshape(policy.logitsVariable(), -1, vocabSize), positions));
    }

    /**
     * Places a per-kept-position vector {@code [N]} back at its positions: {@code [batch, time]} shaped like
     * {@code like}, 0 at positions not kept. The gradient flows back to exactly the kept entries.
     */
    public static SDVariable spread(SameDiff sd, SDVariable perKept, SDVariable like, String name) {
        SDVariable padded = sd.concat(0, sd.constant(Nd4j.zeros(perKept.dataType(), 1, 1)),
                sd.reshape(perKept, -1, 1));                                                    // [N + 1, 1]: row 0 is the 0
        SDVariable values = EmbeddingRows.lookup(sd, padded, sd.getVariable(KEPT_SLOTS));       // [B*T, 1]
        return sd.reshape(name, values, sd.shape(like));
    }

    /**
     * Both placeholders' arrays for the positions where {@code mask [batch, time]} is non-zero. The position list is
     * padded to {@link ShapeBuckets#keptRows} entries by repeating the last kept position: the extra rows are computed
     * but no slot points at them, so no output reads them and their gradient is 0 (they let one pass reuse the buffers
     * of the last, see {@link ShapeBuckets}).
     */
    public static Map<String, INDArray> feed(INDArray mask) {
        if (mask.rank() != 2) {
            throw new IllegalArgumentException("the kept-position mask must be [batch, time], has shape "
                    + java.util.Arrays.toString(mask.shape()));
        }
        double[] flat = mask.dup('c').data().asDouble();
        int kept = 0;
        for (double v : flat) {
            if (v != 0) {
                kept++;
            }
        }
        long[] slots = new long[flat.length];
        long[] positions = new long[ShapeBuckets.keptRows(kept)];
        if (kept == 0) {
            // Nothing to keep (every response empty): keep position 0 so no array is empty; every loss masks it out.
            slots[0] = 1;
        }
        int k = 0;
        for (int p = 0; p < flat.length; p++) {
            if (flat[p] != 0) {
                positions[k] = p;
                slots[p] = ++k;
            }
        }
        java.util.Arrays.fill(positions, Math.max(k, 1), positions.length, positions[Math.max(k, 1) - 1]);
        return Map.of(KEPT_POSITIONS, Nd4j.createFromArray(positions), KEPT_SLOTS, Nd4j.createFromArray(slots));
    }
}
