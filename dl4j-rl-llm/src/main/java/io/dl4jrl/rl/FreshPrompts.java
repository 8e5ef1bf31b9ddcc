package io.dl4jrl.rl;

import io.dl4jrl.task.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The default rollout source: each slot a training problem drawn uniformly, from its prompt. */
public final class FreshPrompts implements RolloutSource {
    @Override
    public String name() {
        return "fresh";
    }

    @Override
    public List<RetrospectiveReplay.Start> starts(long iteration, int slots, List<Problem> train, SplittableRandom random) {
        List<RetrospectiveReplay.Start> out = new ArrayList<>(slots);
        for (int p = 0; p < slots; p++) {
            out.add(fresh(train, random));
        }
        return out;
    }

    static RetrospectiveReplay.Start fresh(List<Problem> train, SplittableRandom random) {
        return new RetrospectiveReplay.Start(train.get(random.nextInt(train.size())), new int[0]);
    }
}
