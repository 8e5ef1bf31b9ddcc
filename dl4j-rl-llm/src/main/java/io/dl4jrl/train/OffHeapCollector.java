package io.dl4jrl.train;

import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the garbage collector when the process's resident memory has grown by more than a budget since the
 * last collection.
 *
 * <p>Why: every SameDiff forward/backward pass in ND4J 1.0.0-M2.1 leaves off-heap arrays (op outputs,
 * gradients, arrays of shapes the session's array cache does not reuse) that are freed only when the Java
 * objects pointing at them are collected. Those objects are tiny, so with a large heap the JVM rarely
 * collects, and off-heap garbage grows without bound: an RL run went from 3 to 21 GB RSS in 25 iterations
 * and slowed the machine to a crawl. A collection takes about 50 ms here and brings the RSS back to the
 * live set (about 4 GB for that run), so collecting when the RSS grew by a budget costs little and keeps
 * memory flat. Workspaces, the usual ND4J answer, cannot wrap SameDiff's training session in M2.1.
 *
 * <p>The budget is {@value #DEFAULT_BUDGET_MB} MB unless the system property {@value #BUDGET_PROPERTY}
 * (megabytes; 0 disables) says otherwise.
 */
public final class OffHeapCollector {
    public static final String BUDGET_PROPERTY = "dl4jrl.gc.budgetMb";
    public static final long DEFAULT_BUDGET_MB = 1024;
    private static final Logger log = LoggerFactory.getLogger(OffHeapCollector.class);

    private final long budgetBytes;
    private long baseline;
    private long collections;

    public OffHeapCollector() {
        this(Long.getLong(BUDGET_PROPERTY, DEFAULT_BUDGET_MB) * 1024 * 1024);
    }

    /** @param budgetBytes growth of resident memory that triggers a collection; 0 disables */
    public OffHeapCollector(long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("budget must be >= 0 bytes, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
        this.baseline = Pointer.physicalBytes();
    }

    /** Call after each unit of work (a gradient step, a scoring pass); collects when the budget is exceeded. */
    public void afterWork() {
        if (budgetBytes == 0) {
            return;
        }
        long rss = Pointer.physicalBytes();
        if (rss - baseline > budgetBytes) {
            long start = System.nanoTime();
            System.gc();
            baseline = Pointer.physicalBytes();
            collections++;
            if (log.isDebugEnabled()) {
                log.debug("collected off-heap garbage: RSS {} MB -> {} MB in {} ms", rss >> 20, baseline >> 20,
                        (System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    /** Collections run so far. */
    public long collections() {
        return collections;
    }
}
