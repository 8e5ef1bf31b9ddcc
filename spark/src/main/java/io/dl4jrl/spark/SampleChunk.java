package io.dl4jrl.spark;

import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.sampling.Sampler;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

import java.util.Arrays;

/** The executor's side of a sampling task: the cached policy of the broadcast version samples one chunk. */
final class SampleChunk implements Function<ChunkTask, ChunkResult> {
    private final Broadcast<PolicySnapshot> policy;
    private final TokenizerSource tokenizer;

    SampleChunk(Broadcast<PolicySnapshot> policy, TokenizerSource tokenizer) {
        this.policy = policy;
        this.tokenizer = tokenizer;
    }

    @Override
    public ChunkResult call(ChunkTask task) {
        PolicySnapshot snapshot = policy.value();
        io.dl4jrl.policy.CausalLm model = ExecutorPolicies.borrow(snapshot);
        SampleBatch b;
        try {
            b = new Sampler(ExecutorPolicies.tokenizer(tokenizer)).sampleChunk(model, Arrays.asList(task.prompts()), task.config(),
                    task.seed(), task.chunk());
        } finally {
            ExecutorPolicies.giveBack(snapshot, model);
        }
        TaskContext context = TaskContext.get();
        if (task.failFirstAttempt() && context != null && context.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of chunk " + task.chunk() + "'s first attempt, after sampling");
        }
        String executor = org.apache.spark.SparkEnv.get() != null ? org.apache.spark.SparkEnv.get().executorId() : "?";
        return new ChunkResult(task.chunk(), snapshot.version(), b.responses(), b.logProbs(), b.finished(), executor);
    }
}
