package io.dl4jrl.policy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class SessionWorkspaceTest {
    private static void cycle(SessionWorkspace ws, int floats) {
        try (MemoryWorkspace scope = ws.open()) {
            INDArray a = Nd4j.create(DataType.FLOAT, floats);
            assertTrue(a.isAttached(), "allocated in the workspace (or spilled from it)");
            a.addi(1.0);
        }
    }

    @Test
    void growsAfterASpilledCycleRemembersTheSizeAndIsFreedOnClose() {
        String kind = "TEST_GROW_" + System.nanoTime();
        SessionWorkspace first = new SessionWorkspace(kind);
        cycle(first, 1_000);                       // nothing learned yet: spilled
        cycle(first, 100_000);                     // grown from the first cycle (4 KB), still too small: spilled
        cycle(first, 100_000);                     // grown to a quarter more than 400 KB: fits
        long grown = first.size();
        assertTrue(grown >= 400_000 && grown <= 600_000, "size " + grown);
        cycle(first, 50_000);
        assertEquals(grown, first.size(), "a smaller cycle keeps the buffer");
        first.close();
        assertEquals(0, first.size(), "freed with the session");
        assertFalse(Nd4j.getWorkspaceManager().getAllWorkspacesIdsForCurrentThread().stream().anyMatch(id -> id.startsWith(kind)),
                "no workspace of the session is left on the thread");

        SessionWorkspace second = new SessionWorkspace(kind);
        cycle(second, 100_000);                    // sized up front from the first session: fits at once
        assertEquals(grown, second.size());
        second.close();
    }

    @Test
    void sessionsOfOneKindOnOneThreadDoNotShareABuffer() {
        String kind = "TEST_SHARE_" + System.nanoTime();
        SessionWorkspace a = new SessionWorkspace(kind);
        try (SessionWorkspace b = new SessionWorkspace(kind)) {
            cycle(a, 10);
            cycle(a, 10);                          // grown: a has a buffer of its own
            cycle(b, 10);
            cycle(b, 10);
            assertEquals(2, workspacesOf(kind), "one workspace per session");
            a.close();                             // closing one session must not free the other's buffer
            assertEquals(1, workspacesOf(kind));
            assertTrue(b.size() > 0, "b keeps its buffer");
            cycle(b, 10);
        }
        assertEquals(0, workspacesOf(kind));
    }

    private static long workspacesOf(String kind) {
        return Nd4j.getWorkspaceManager().getAllWorkspacesIdsForCurrentThread().stream().filter(id -> id.startsWith(kind)).count();
    }
}
