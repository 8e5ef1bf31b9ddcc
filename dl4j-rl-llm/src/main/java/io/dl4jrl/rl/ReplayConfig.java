package io.dl4jrl.rl;

/**
 * Settings of RRL, retrospective replay (Dou et al., 2025, arXiv 2504.14363): promising intermediate states are
 * collected early in training and later part of the rollouts start from them. Off unless {@code enabled}.
 *
 * @param enabled             replay on
 * @param collectUntil        states are judged and admitted during iterations {@code [0, collectUntil)}
 * @param replayFrom          from this iteration on, part of every batch starts from buffered states
 * @param replayFraction      share of each batch's prompt slots (groups) that start from a buffered state
 * @param admissionThreshold  a state enters the buffer when its estimated value is at least this
 * @param failedOnly          judge only states of responses that failed (the paper's promising-but-unfinished ideas)
 * @param responsesJudged     at most this many failed responses per iteration have their states judged (bounds
 *                            the cost of the Monte-Carlo values)
 * @param rollouts            K completions per judged state for its Monte-Carlo value
 * @param capacity            buffer size; when full the lowest-valued (then oldest) state is evicted
 */
public record ReplayConfig(boolean enabled, int collectUntil, int replayFrom, double replayFraction, double admissionThreshold,
                           boolean failedOnly, int responsesJudged, int rollouts, int capacity) implements java.io.Serializable {

    public ReplayConfig {
        if (collectUntil < 0 || replayFrom < 0) {
            throw new IllegalArgumentException("collectUntil and replayFrom must be >= 0, got " + collectUntil + ", " + replayFrom);
        }
        if (!(replayFraction >= 0 && replayFraction <= 1)) {
            throw new IllegalArgumentException("replayFraction must be in [0, 1], got " + replayFraction);
        }
        if (!(admissionThreshold >= 0 && admissionThreshold <= 1)) {
            throw new IllegalArgumentException("admissionThreshold must be in [0, 1] (a success rate), got " + admissionThreshold);
        }
        if (responsesJudged < 1) throw new IllegalArgumentException("responsesJudged must be >= 1, got " + responsesJudged);
        if (rollouts < 1) throw new IllegalArgumentException("rollouts must be >= 1, got " + rollouts);
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }

    /** Replay off. */
    public static ReplayConfig off() {
        return builder().enabled(false).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().enabled(enabled).collectUntil(collectUntil).replayFrom(replayFrom).replayFraction(replayFraction)
                .admissionThreshold(admissionThreshold).failedOnly(failedOnly).responsesJudged(responsesJudged).rollouts(rollouts)
                .capacity(capacity);
    }

    public static final class Builder {
        private boolean enabled = true;
        private int collectUntil = 10;
        private int replayFrom = 10;
        private double replayFraction = 0.25;
        private double admissionThreshold = 0.25;
        private boolean failedOnly = true;
        private int responsesJudged = 16;
        private int rollouts = 4;
        private int capacity = 512;

        public Builder enabled(boolean v) { enabled = v; return this; }
        public Builder collectUntil(int v) { collectUntil = v; return this; }
        public Builder replayFrom(int v) { replayFrom = v; return this; }
        public Builder replayFraction(double v) { replayFraction = v; return this; }
        public Builder admissionThreshold(double v) { admissionThreshold = v; return this; }
        public Builder failedOnly(boolean v) { failedOnly = v; return this; }
        public Builder responsesJudged(int v) { responsesJudged = v; return this; }
        public Builder rollouts(int v) { rollouts = v; return this; }
        public Builder capacity(int v) { capacity = v; return this; }

        public ReplayConfig build() {
            return new ReplayConfig(enabled, collectUntil, replayFrom, replayFraction, admissionThreshold, failedOnly, responsesJudged,
                    rollouts, capacity);
        }
    }
}
