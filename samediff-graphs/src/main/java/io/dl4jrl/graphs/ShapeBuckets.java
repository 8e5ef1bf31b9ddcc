package io.dl4jrl.graphs;

/**
 * Rounds the variable sizes of a batch (its padded width, the number of kept logit rows) up to a few buckets, so that
 * the op outputs of one pass have the element counts of earlier passes and {@link ArrayPool} can hand each of them a
 * released buffer.
 *
 * <p>Why: a batch padded only to its own longest row gives nearly every pass new shapes (bench's training batches run
 * 32 x 89 to 32 x 96), so every op output was a new buffer, zero-filled by libnd4j and faulted in page by page. Padded
 * to a multiple of 8, a gpt2 256x6 training step went from about 1,350 to 2,075 tokens/s at a lower peak RSS
 * (docs/performance.md, "Fresh buffers"). The padding is masked out of every loss and is at most {@code multiple − 1}
 * columns (or kept rows) per batch. Every loss normalises by mask sums or a constant, never by the padded width.
 */
public final class ShapeBuckets {
    /** System property: padded batch widths are multiples of this (default {@value #DEFAULT_WIDTH_MULTIPLE}; 1 pads to the longest row). */
    public static final String WIDTH_MULTIPLE_PROPERTY = "dl4jrl.widthMultiple";
    public static final int DEFAULT_WIDTH_MULTIPLE = 8;
    /** System property: the number of kept logit rows is a multiple of this (default {@value #DEFAULT_KEPT_ROWS_MULTIPLE}). */
    public static final String KEPT_ROWS_MULTIPLE_PROPERTY = "dl4jrl.keptRowsMultiple";
    public static final int DEFAULT_KEPT_ROWS_MULTIPLE = 64;

    private ShapeBuckets() {
    }

    /** {@code width} rounded up to the width multiple, but not past {@code maxWidth} (the context length). */
    public static int width(int width, int maxWidth) {
        if (width < 1 || width > maxWidth) {
            throw new IllegalArgumentException("a batch width of " + width + " does not fit 1.." + maxWidth);
        }
        return Math.min(maxWidth, roundUp(width, multiple(WIDTH_MULTIPLE_PROPERTY, DEFAULT_WIDTH_MULTIPLE)));
    }

    /** {@code rows} (at least 1) rounded up to the kept-rows multiple. */
    public static int keptRows(int rows) {
        return roundUp(Math.max(1, rows), multiple(KEPT_ROWS_MULTIPLE_PROPERTY, DEFAULT_KEPT_ROWS_MULTIPLE));
    }

    static int roundUp(int n, int multiple) {
        return (int) Math.min(Integer.MAX_VALUE, ((long) n + multiple - 1) / multiple * multiple);
    }

    private static int multiple(String property, int fallback) {
        Integer m = Integer.getInteger(property, fallback);
        if (m < 1) {
            throw new IllegalArgumentException("-D" + property + " must be >= 1, got " + m);
        }
        return m;
    }
}
