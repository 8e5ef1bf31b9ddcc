package io.dl4jrl.rl;

import io.dl4jrl.task.Problem;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where an iteration's groups start: fresh prompts by default ({@link FreshPrompts}), or states the source chose
 * (RRL's replayed prefixes, {@link ReplaySource}). Registered by name in {@link RolloutSources}.
 */
public interface RolloutSource extends RlPlugin {

    /** One start per prompt slot; {@code random} is the iteration's stream (draw from it, in order, only what you use). */
    List<RetrospectiveReplay.Start> starts(long iteration, int slots, List<Problem> train, SplittableRandom random);

    /** After scoring: the source learns from the iteration's rollouts; returns its metrics. */
    default Map<String, Double> observe(Rollouts rollouts, RlRun run, SplittableRandom random) {
        return Map.of();
    }
}
