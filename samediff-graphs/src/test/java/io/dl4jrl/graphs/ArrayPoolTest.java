package io.dl4jrl.graphs;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ArrayPool}: reuse by data type and element count, the byte budget, and what it refuses to pool. */
class ArrayPoolTest {
    @Test
    void aReleasedBufferServesTheNextArrayOfItsElementCountWhateverItsShape() {
        ArrayPool pool = new ArrayPool(1 << 20);
        INDArray a = pool.allocate(false, DataType.FLOAT, 6, 4);
        long address = a.data().address();
        assertEquals(1, pool.misses());
        pool.release(a);
        assertTrue(pool.holds(a));
        assertEquals(96, pool.pooledBytes());

        INDArray other = pool.allocate(false, DataType.DOUBLE, 6, 4); // same count, another type: a new buffer
        assertTrue(other.data().address() != address);
        INDArray b = pool.allocate(false, DataType.FLOAT, 2, 3, 4);
        assertEquals(address, b.data().address());
        assertArrayEquals(new long[]{2, 3, 4}, b.shape());
        assertEquals('c', b.ordering());
        assertEquals(1, pool.hits());
        assertEquals(2, pool.misses());
        assertEquals(0, pool.pooledBytes());
        b.assign(3); // a whole, writable array over the reused buffer
        assertEquals(72.0, b.sumNumber().doubleValue(), 0);

        INDArray f = pool.allocate(false, org.nd4j.linalg.api.shape.LongShapeDescriptor.fromShape(new long[]{4, 6},
                Nd4j.getStrides(new long[]{4, 6}, 'f'), 0, 'f', DataType.FLOAT, false));
        assertEquals('f', f.ordering());
        pool.close();
    }

    @Test
    void theOldestBuffersAreFreedToStayWithinTheBudget() {
        ArrayPool pool = new ArrayPool(2 * 400);
        INDArray first = pool.allocate(false, DataType.FLOAT, 100);
        INDArray second = pool.allocate(false, DataType.FLOAT, 100);
        INDArray third = pool.allocate(false, DataType.FLOAT, 100);
        pool.release(first);
        pool.release(second);
        pool.release(third);
        assertEquals(800, pool.pooledBytes());
        assertTrue(first.wasClosed(), "the least recently released buffer is freed");
        assertFalse(pool.holds(first));
        assertTrue(pool.holds(second) && pool.holds(third));
        // the most recently released comes back first
        assertEquals(third.data().address(), pool.allocate(false, DataType.FLOAT, 10, 10).data().address());

        INDArray tooBig = Nd4j.create(DataType.FLOAT, 1000);
        pool.release(tooBig);
        assertTrue(tooBig.wasClosed(), "larger than the whole budget: closed, not pooled");
        pool.close();
        assertEquals(0, pool.pooledBytes());
    }

    @Test
    void viewsAndRepeatedReleasesAreNotPooled() {
        ArrayPool pool = new ArrayPool(1 << 20);
        INDArray base = Nd4j.rand(DataType.FLOAT, 4, 5);
        INDArray row = base.getRow(1);
        pool.release(row);
        assertFalse(pool.holds(row));
        assertFalse(base.wasClosed(), "a view's release leaves its base alone");
        assertEquals(0, pool.pooledBytes());

        INDArray a = Nd4j.create(DataType.FLOAT, 8);
        pool.release(a);
        pool.release(a); // SameDiff can list one buffer under two names; the second release is a no-op
        assertEquals(32, pool.pooledBytes());
        assertThrows(IllegalArgumentException.class, () -> new ArrayPool(-1));
        pool.close();
    }
}
