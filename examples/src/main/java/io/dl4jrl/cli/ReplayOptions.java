package io.dl4jrl.cli;

import io.dl4jrl.rl.ReplayConfig;
import picocli.CommandLine.Option;

/** RRL retrospective replay on top of any preset. */
final class ReplayOptions {
    @Option(names = "--replay", description = "RRL: replay promising intermediate states found early in training")
    boolean enabled;
    @Option(names = "--replay-collect-until", description = "RRL: judge and buffer states before this iteration (default: 10)")
    Integer collectUntil;
    @Option(names = "--replay-from", description = "RRL: replay from this iteration on (default: 10)")
    Integer replayFrom;
    @Option(names = "--replay-fraction", description = "RRL: share of prompt slots that start from buffered states (default: 0.25)")
    Double fraction;
    @Option(names = "--replay-threshold", description = "RRL: a state's Monte-Carlo value needed to enter the buffer (default: 0.25)")
    Double threshold;
    @Option(names = "--replay-k", description = "RRL: completions per judged state (default: 4)")
    Integer rollouts;
    @Option(names = "--replay-judged", description = "RRL: failed responses judged per iteration (default: 16)")
    Integer judged;
    @Option(names = "--replay-capacity", description = "RRL: buffer size (default: 512)")
    Integer capacity;

    ReplayConfig config() {
        return config(ReplayConfig.off());
    }

    /** @param base settings from a configuration file (or off): kept unless {@code --replay} turns replay on here */
    ReplayConfig config(ReplayConfig base) {
        if (!enabled) {
            return base;
        }
        ReplayConfig.Builder b = base.enabled() ? base.toBuilder() : ReplayConfig.builder();
        if (collectUntil != null) b.collectUntil(collectUntil);
        if (replayFrom != null) b.replayFrom(replayFrom);
        if (fraction != null) b.replayFraction(fraction);
        if (threshold != null) b.admissionThreshold(threshold);
        if (rollouts != null) b.rollouts(rollouts);
        if (judged != null) b.responsesJudged(judged);
        if (capacity != null) b.capacity(capacity);
        return b.build();
    }
}
