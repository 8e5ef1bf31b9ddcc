package io.dl4jrl.rl;

import com.fasterxml.jackson.databind.JsonNode;
import io.dl4jrl.task.Problem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * RRL as a rollout source (docs/algorithms.md, "RRL"): some slots continue promising intermediate states from the
 * replay buffer, the rest are fresh prompts; after scoring, the iteration's states are judged by completions from
 * the current policy and the promising ones buffered. The buffer travels in checkpoints.
 */
public final class ReplaySource implements RolloutSource {
    private final ReplayConfig config;
    private RetrospectiveReplay replay;
    private List<Problem> indexedTrain;
    private Map<String, Problem> trainById = Map.of();

    public ReplaySource(ReplayConfig config) {
        this.config = config;
        this.replay = new RetrospectiveReplay(config);
    }

    @Override
    public String name() {
        return "replay";
    }

    public ReplayBuffer buffer() {
        return replay.buffer();
    }

    @Override
    public List<RetrospectiveReplay.Start> starts(long iteration, int slots, List<Problem> train, SplittableRandom random) {
        List<ReplayBuffer.Entry> replayed = replay.plan(iteration, slots, random);
        List<RetrospectiveReplay.Start> out = new ArrayList<>(slots);
        for (int p = 0; p < slots; p++) {
            out.add(p < replayed.size() ? RetrospectiveReplay.start(replayed.get(p), byId(train)) : FreshPrompts.fresh(train, random));
        }
        return out;
    }

    @Override
    public Map<String, Double> observe(Rollouts r, RlRun run, SplittableRandom random) {
        RlConfig c = run.config();
        replay.observe(r.iteration(), r.starts(), r.batch().responses(), r.correct(), r.problemPrompts(), c.vine().segmenter(),
                run.tokenizer(), run.rollouts(r.problems(), c.sampling().temperature(), c.sampling().topP(), random.nextLong()));
        return replay.metrics();
    }

    @Override
    public List<CheckpointPart> checkpointParts() {
        return List.of(new CheckpointPart() {
            @Override
            public String key() {
                return "replayBuffer";
            }

            @Override
            public JsonNode save() {
                return replay.buffer().toJson();
            }

            @Override
            public void restore(JsonNode saved, String where) {
                replay = new RetrospectiveReplay(config, ReplayBuffer.fromJson(saved, where));
            }
        });
    }

    private Map<String, Problem> byId(List<Problem> train) {
        if (indexedTrain != train) {
            Map<String, Problem> m = new HashMap<>();
            train.forEach(p -> m.put(p.id(), p));
            trainById = m;
            indexedTrain = train;
        }
        return trainById;
    }
}
