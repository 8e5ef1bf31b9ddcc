package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A SameDiff session memory manager that hands a released array's buffer to the next op output of the same data type
 * and element count, whatever its shape, up to a byte budget (least recently released buffers are freed first).
 * One per thread, shared by every graph the thread runs ({@link GradientPass}); not thread-safe.
 *
 * <p>Why not M2.1's {@code ArrayCacheMemoryMgr}: it keys buffers by the shape's string, hands out the oldest one,
 * and counts buffers that someone closed while cached against its budget, so over a gpt2 256x6 training step
 * (32 x 95 tokens) about 750 MB of op outputs were still allocated fresh each step with either a 256 MB or a 1 GB
 * budget. Each fresh buffer is zero-filled by libnd4j's {@code DataBuffer::allocatePrimary} and faulted in page by
 * page; {@code perf} put that {@code memset} and the kernel's page clearing at 25% of the step
 * (docs/performance.md, "Fresh buffers"). Reused buffers are neither zeroed nor faulted: every op writes all of its
 * output, as it must with M2.1's own cache.
 */
public final class ArrayPool extends AbstractMemoryMgr {
    private final long budgetBytes;
    /** Pooled buffers by (data type, element count); the last is the most recently released (warmest in cache). */
    private final Map<Long, ArrayDeque<Entry>> byKey = new HashMap<>();
    /** Every pooled buffer in release order, for eviction. */
    private final TreeMap<Long, Entry> byAge = new TreeMap<>();
    private final Set<Long> pooledAddresses = new HashSet<>();
    private long pooledBytes;
    private long sequence;
    private long hits;
    private long misses;
    private long missBytes;

    /** Identity equality on purpose: a DataBuffer's equals compares contents. */
    private static final class Entry {
        final long key;
        final long seq;
        final DataBuffer buffer;
        final long bytes;

        Entry(long key, long seq, DataBuffer buffer, long bytes) {
            this.key = key;
            this.seq = seq;
            this.buffer = buffer;
            this.bytes = bytes;
        }
    }

    public ArrayPool(long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("array pool budget must be >= 0 bytes, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return allocate(dataType, shape, 'c');
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            return Nd4j.create(descriptor);
        }
        return allocate(descriptor.dataType(), descriptor.getShape(), descriptor.getOrder());
    }

    private INDArray allocate(DataType dataType, long[] shape, char order) {
        long length = 1;
        for (long s : shape) {
            length *= s;
        }
        if (length > 0) {
            ArrayDeque<Entry> entries = byKey.get(key(dataType, length));
            if (entries != null && !entries.isEmpty()) {
                Entry e = entries.pollLast();
                byAge.remove(e.seq);
                pooledAddresses.remove(e.buffer.address());
                pooledBytes -= e.bytes;
                hits++;
                return Nd4j.create(e.buffer, shape, Nd4j.getStrides(shape, order), 0, order, dataType);
            }
        }
        misses++;
        missBytes += length * dataType.width();
        return Nd4j.createUninitializedDetached(dataType, order, shape);
    }

    /** Keeps the array's buffer for reuse when it is a whole, unshared, closeable buffer; closes it otherwise. */
    @Override
    public void release(INDArray array) {
        DataBuffer buffer = array.data();
        if (buffer == null || array.wasClosed() || pooledAddresses.contains(buffer.address())) {
            return;
        }
        if (!poolable(array, buffer)) {
            if (array.closeable()) {
                array.close();
            }
            return;
        }
        long bytes = buffer.length() * array.dataType().width();
        while (pooledBytes + bytes > budgetBytes && !byAge.isEmpty()) {
            Entry oldest = byAge.pollFirstEntry().getValue();
            byKey.get(oldest.key).remove(oldest);
            pooledAddresses.remove(oldest.buffer.address());
            pooledBytes -= oldest.bytes;
            oldest.buffer.close();
        }
        Entry e = new Entry(key(array.dataType(), buffer.length()), sequence++, buffer, bytes);
        byKey.computeIfAbsent(e.key, k -> new ArrayDeque<>()).addLast(e);
        byAge.put(e.seq, e);
        pooledAddresses.add(buffer.address());
        pooledBytes += bytes;
    }

    private boolean poolable(INDArray array, DataBuffer buffer) {
        long bytes = buffer.length() * array.dataType().width();
        return bytes > 0 && bytes <= budgetBytes
                && array.dataType() != DataType.UTF8
                && array.closeable() && !array.isView() && array.offset() == 0 && array.length() == buffer.length()
                && buffer.originalDataBuffer() == null && !buffer.isAttached()
                // another native reference (a view made on the native side) would see the next op's output
                && Nd4j.getExecutioner().useCount(buffer) <= 1;
    }

    /** Whether this pool holds the buffer (so its owner must not close it). */
    public boolean holds(INDArray array) {
        return array != null && !array.wasClosed() && array.data() != null && pooledAddresses.contains(array.data().address());
    }

    /** Frees every pooled buffer. */
    @Override
    public void close() {
        for (Entry e : byAge.values()) {
            e.buffer.close();
        }
        byAge.clear();
        byKey.clear();
        pooledAddresses.clear();
        pooledBytes = 0;
    }

    public long pooledBytes() {
        return pooledBytes;
    }

    /** Allocations served from the pool. */
    public long hits() {
        return hits;
    }

    /** Allocations that made a new buffer, and their bytes. */
    public long misses() {
        return misses;
    }

    public long missBytes() {
        return missBytes;
    }

    private static long key(DataType dataType, long length) {
        return length * 64 + dataType.ordinal();
    }
}
