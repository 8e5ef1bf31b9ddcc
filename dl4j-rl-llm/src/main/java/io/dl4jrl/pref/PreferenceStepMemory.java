package io.dl4jrl.pref;

import io.dl4jrl.graphs.ShapeBuckets;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.train.MemoryBudget;

import java.util.List;

/**
 * The memory check of a preference step (DPO family and reward model), shared by their trainers: a step of
 * {@code pairsPerBatch} pairs is one pass over 2 x pairs sequences, as wide as the longest pair (see
 * {@link MemoryBudget}).
 */
final class PreferenceStepMemory {
    private PreferenceStepMemory() {
    }

    static void require(String trainer, CausalLm model, int pairsPerBatch, List<TokenizedPair> train) {
        int longest = 1;
        for (TokenizedPair p : train) {
            longest = Math.max(longest, p.longest());
        }
        long width = ShapeBuckets.width(Math.min(longest, model.contextLength()), model.contextLength());
        long rows = 2L * pairsPerBatch;
        long nativeBytes = MemoryBudget.sum(MemoryBudget.sum(MemoryBudget.adamTrainingStateBytes(model), model.trainingPassBytes(rows, width)),
                MemoryBudget.product(rows, width, 8));
        MemoryBudget.require("a " + trainer + " step of pairsPerBatch (--batch-pairs) " + pairsPerBatch + " pairs (" + rows + " sequences x "
                + width + " tokens)", nativeBytes, MemoryBudget.product(rows, width, 8), "lower --batch-pairs");
    }
}
