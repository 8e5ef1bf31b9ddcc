package io.dl4jrl.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.dl4jrl.rl.CheckpointPart;
import io.dl4jrl.rl.RewardShaping;
import io.dl4jrl.rl.RlRun;
import io.dl4jrl.rl.Rollouts;
import io.dl4jrl.task.Problem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Memory-R+ as a reward shaping (docs/algorithms.md, "Memory-R+"): each response's exploitation and exploration
 * bonuses from the episodic success and failure memories join its outcome before any advantage estimator sees it.
 * Responses are embedded by the policy's pooled hidden states unless another {@link ResponseEmbedder} is set. The
 * memories travel in checkpoints.
 */
public final class MemoryShaping implements RewardShaping {
    private final MemoryBonus bonus;
    private ResponseEmbedder embedder;

    public MemoryShaping(RlRun run) {
        this.bonus = new MemoryBonus(run.config().memory());
        if (run.policy().graph().hidden().isPresent()) {
            // Without hidden states the user must set an embedder (withEmbedder) before the first iteration.
            this.embedder = new PooledHiddenEmbedder(run.policy().graph(), run.tokenizer().padId(), 32);
        }
    }

    @Override
    public String name() {
        return "memory";
    }

    public MemoryBonus bonus() {
        return bonus;
    }

    /** Replaces the default embedding (the policy's pooled hidden states), e.g. by a sentence encoder. */
    public MemoryShaping withEmbedder(ResponseEmbedder embedder) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        return this;
    }

    @Override
    public Map<String, Double> shape(Rollouts r, double[] outcomes, RlRun run) {
        if (embedder == null) {
            throw new IllegalStateException("Memory-R+ needs response embeddings: the policy graph exposes no hidden states, "
                    + "so give the trainer a ResponseEmbedder with withEmbedder(...)");
        }
        int n = r.size();
        List<String> ids = new ArrayList<>(n);
        for (Problem problem : r.problems()) {
            ids.add(problem.id());
        }
        ResponseEmbedder.Embeddings e = embedder.embed(r.problemPrompts(), r.fullResponses());
        MemoryBonus.Bonuses bonuses = bonus.score(r.iteration(), ids, e.questions(), e.responses(), r.correct());
        double bonusSum = 0;
        double totalSum = 0;
        for (int i = 0; i < n; i++) {
            outcomes[i] += bonuses.total(i);
            bonusSum += bonuses.total(i);
            totalSum += outcomes[i];
        }
        Map<String, Double> m = new LinkedHashMap<>(bonuses.metrics());
        m.put("bonus_share", totalSum == 0 ? 0 : bonusSum / totalSum);
        double mean = 0;
        for (double o : outcomes) {
            mean += o;
        }
        m.put("reward_with_bonus_mean", n == 0 ? 0 : mean / n);
        return m;
    }

    @Override
    public List<CheckpointPart> checkpointParts() {
        return List.of(new CheckpointPart() {
            @Override
            public String key() {
                return "episodicMemory";
            }

            @Override
            public JsonNode save() {
                return bonus.toJson();
            }

            @Override
            public void restore(JsonNode saved, String where) {
                bonus.restore(saved, where);
            }
        });
    }
}
