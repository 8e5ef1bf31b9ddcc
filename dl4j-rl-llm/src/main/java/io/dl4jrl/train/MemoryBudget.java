package io.dl4jrl.train;

import io.dl4jrl.policy.CausalLm;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Refuses a batch that cannot fit before anything is allocated for it. A batch of 100,000,000 sequences used to run
 * the first evaluation and then die of an {@link OutOfMemoryError} with a stack trace; now the trainer says which
 * setting asks for how much.
 *
 * <p>The estimates are lower bounds (the arrays a pass cannot do without; see {@link CausalLm#trainingPassBytes}),
 * compared with the machine's whole physical memory and the JVM's heap limit, so a run that could fit is never
 * refused; one that is refused could not have run. {@code -Ddl4jrl.memoryCheck=off} skips the check.
 */
public final class MemoryBudget {
    public static final String SKIP_PROPERTY = "dl4jrl.memoryCheck";

    private MemoryBudget() {
    }

    /** Bytes of physical memory on this machine (the native arrays' limit), or {@link Long#MAX_VALUE} if unknown. */
    public static long physicalBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            return total > 0 ? total : Long.MAX_VALUE;
        }
        return Long.MAX_VALUE;
    }

    /** The JVM's heap limit (-Xmx): where host-side token arrays live. */
    public static long heapBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Native memory a model of {@code weights} bytes of weights needs to train with Adam: the weights, their gradients
     * and the two moment estimates.
     */
    public static long adamTrainingStateBytes(CausalLm model) {
        return 4 * model.weightBytes();
    }

    /**
     * Throws an {@link IllegalArgumentException} when {@code nativeBytes} (ND4J arrays) exceed the physical memory or
     * {@code heapBytes} (Java arrays) the heap limit, naming {@code what} and the remedy.
     *
     * @param what   the work and the settings behind it, e.g. "one SFT step of batchSize (--batch-size) 100000000 sequences x 40 tokens"
     * @param remedy what to lower or set, e.g. "lower --batch-size or set --sft-micro-batch"
     */
    public static void require(String what, long nativeBytes, long heapBytes, String remedy) {
        if ("off".equalsIgnoreCase(System.getProperty(SKIP_PROPERTY, "on"))) {
            return;
        }
        long physical = physicalBytes();
        if (nativeBytes > physical) {
            throw new IllegalArgumentException(what + " needs at least " + bytes(nativeBytes) + " of memory by estimate, more than this machine's "
                    + bytes(physical) + "; " + remedy + " (-D" + SKIP_PROPERTY + "=off skips this check)");
        }
        long heap = heapBytes();
        if (heapBytes > heap) {
            throw new IllegalArgumentException(what + " needs at least " + bytes(heapBytes) + " of Java heap for its token arrays by estimate, more than the "
                    + bytes(heap) + " heap limit (-Xmx; RL_LLM_JAVA_OPTS for ./rl-llm); " + remedy + " (-D" + SKIP_PROPERTY + "=off skips this check)");
        }
    }

    /** {@code a * b * ...} saturating at {@link Long#MAX_VALUE}, so that absurd settings cannot wrap to a small estimate. */
    public static long product(long... factors) {
        long p = 1;
        for (long f : factors) {
            if (f <= 0) {
                return 0;
            }
            if (p > Long.MAX_VALUE / f) {
                return Long.MAX_VALUE;
            }
            p *= f;
        }
        return p;
    }

    /** {@code a + b} saturating at {@link Long#MAX_VALUE}. */
    public static long sum(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    public static String bytes(long b) {
        if (b == Long.MAX_VALUE) return "more than 8 EiB";
        if (b < 1L << 20) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        if (b < 1L << 30) return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        if (b < 1L << 40) return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        return String.format(Locale.ROOT, "%.1f TiB", b / (double) (1L << 40));
    }
}
