package io.dl4jrl.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class OffHeapCollectorTest {

    @Test
    void collectsOnceResidentMemoryGrewByTheBudget() {
        OffHeapCollector collector = new OffHeapCollector(16L << 20);
        collector.afterWork();
        long before = collector.collections();
        for (int i = 0; i < 4; i++) {
            Nd4j.create(DataType.FLOAT, 16, 1024, 1024).assign(1); // 64 MB of garbage each, touched so it is resident
        }
        collector.afterWork();
        assertEquals(before + 1, collector.collections());
    }

    @Test
    void aZeroBudgetNeverCollects() {
        OffHeapCollector collector = new OffHeapCollector(0);
        Nd4j.create(DataType.FLOAT, 16, 1024, 1024).assign(1);
        collector.afterWork();
        assertEquals(0, collector.collections());
        assertThrows(IllegalArgumentException.class, () -> new OffHeapCollector(-1));
    }
}
