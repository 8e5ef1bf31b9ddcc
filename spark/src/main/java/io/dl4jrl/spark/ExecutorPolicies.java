package io.dl4jrl.spark;

import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.text.Tokenizer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The policies an executor JVM samples with, rebuilt only when a new version (or another run) arrives. A task
 * borrows an idle instance of its version and gives it back: a SameDiff graph is not safe to share between threads,
 * so an executor holds at most as many instances as it runs tasks at once, and Spark's task threads come and go
 * without costing a rebuild each. A new version of a run drops that run's older instances.
 */
final class ExecutorPolicies {
    private static final Map<String, ConcurrentLinkedDeque<CausalLm>> IDLE = new ConcurrentHashMap<>();
    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();
    private static final AtomicLong BUILDS = new AtomicLong();

    private ExecutorPolicies() {
    }

    private static String key(PolicySnapshot s) {
        return s.run() + "@" + s.version();
    }

    static CausalLm borrow(PolicySnapshot snapshot) {
        String key = key(snapshot);
        IDLE.keySet().removeIf(k -> k.startsWith(snapshot.run() + "@") && !k.equals(key));
        CausalLm idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).pollFirst();
        if (idle != null) {
            return idle;
        }
        BUILDS.incrementAndGet();
        return snapshot.load();
    }

    static void giveBack(PolicySnapshot snapshot, CausalLm policy) {
        ConcurrentLinkedDeque<CausalLm> idle = IDLE.get(key(snapshot));
        if (idle != null) {
            idle.offerFirst(policy);
        }
    }

    /** Tokenizers are read-only once built, so one per shipped tokenizer serves every task. */
    static Tokenizer tokenizer(TokenizerSource source) {
        return TOKENIZERS.computeIfAbsent(source.key(), k -> source.open());
    }

    /** Policies built in this JVM so far (for tests: one per concurrent task and version, not one per task). */
    static long builds() {
        return BUILDS.get();
    }
}
