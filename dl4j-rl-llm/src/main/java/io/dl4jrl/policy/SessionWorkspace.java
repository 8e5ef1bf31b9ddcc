package io.dl4jrl.policy;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspaceManager;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One decode session's ND4J workspace for one kind of scope (a whole call, or one layer of a call): sized up front
 * from the largest cycle that kind needed on this thread before, grown when a cycle did not fit, and freed when the
 * session closes.
 *
 * <p>Why not ND4J's own learning: a workspace that learns on its first cycle keeps that size, and the first cycle on a
 * thread is often a small one (bench's warm-up, a short evaluation), so every later, bigger prefill spilled each op's
 * output to a fresh external allocation, page-faulted and zeroed: a llama 512x6 prefill of 64 x 61 tokens took 3.0–3.8 s
 * instead of 1.0 s. Growing on spill ({@code SpillPolicy.REALLOCATE}) re-creates and memsets the buffer to the exact new
 * size at every cycle that outgrew it (M2.1 over-allocates only the first time), and a decode step's cycle grows with
 * every key column. And a workspace kept per thread would hold one layer's temporaries (hundreds of MB at
 * GPT-2-small) through training. So: a fixed buffer ({@code LearningPolicy.NONE}, spills external), re-created at a
 * quarter more than the largest cycle when one spilled, and the size remembered for the thread's next session.
 */
final class SessionWorkspace implements AutoCloseable {
    private static final AtomicLong SESSIONS = new AtomicLong();
    /** Largest cycle, in bytes, per scope kind, over this thread's closed sessions. */
    private static final ThreadLocal<Map<String, Long>> LEARNED = ThreadLocal.withInitial(HashMap::new);

    private final String kind;
    private final String id;
    private MemoryWorkspace workspace;

    SessionWorkspace(String kind) {
        this.kind = kind;
        this.id = kind + "_" + SESSIONS.incrementAndGet();
    }

    /** Opens a scope of this workspace (close it when the scope ends); first grows it if an earlier cycle spilled. */
    MemoryWorkspace open() {
        MemoryWorkspaceManager manager = Nd4j.getWorkspaceManager();
        if (workspace != null && workspace.getMaxCycleAllocations() > workspace.getCurrentSize()) {
            remember(workspace.getMaxCycleAllocations());
            manager.destroyWorkspace(workspace);
            workspace = null;
        }
        if (workspace == null) {
            long learned = LEARNED.get().getOrDefault(kind, 0L);
            workspace = manager.getWorkspaceForCurrentThread(config(learned + learned / 4), id);
        }
        return workspace.notifyScopeEntered();
    }

    /** Bytes of the current buffer (0 before the first scope); for tests. */
    long size() {
        return workspace == null ? 0 : workspace.getCurrentSize();
    }

    @Override
    public void close() {
        if (workspace != null) {
            remember(workspace.getMaxCycleAllocations());
            Nd4j.getWorkspaceManager().destroyWorkspace(workspace);
            workspace = null;
        }
    }

    private void remember(long bytes) {
        LEARNED.get().merge(kind, bytes, Math::max);
    }

    private static WorkspaceConfiguration config(long bytes) {
        return WorkspaceConfiguration.builder()
                .initialSize(bytes)
                .policyAllocation(AllocationPolicy.STRICT)
                .policyLearning(LearningPolicy.NONE)
                .policyReset(ResetPolicy.BLOCK_LEFT)
                // EXTERNAL: what does not fit goes to an allocation freed when the scope closes, and open() grows the buffer
                .policySpill(SpillPolicy.EXTERNAL)
                .build();
    }
}
