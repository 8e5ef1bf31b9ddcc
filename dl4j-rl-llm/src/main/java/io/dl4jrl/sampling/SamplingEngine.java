package io.dl4jrl.sampling;

import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.text.Tokenizer;

import java.util.List;

/**
 * Where a trainer's responses are sampled: in this process by default ({@link #inProcess}), or spread over workers
 * (the {@code dl4j-rl-llm-spark} module's {@code SparkSamplingEngine}). Every engine returns exactly what
 * {@link Sampler#sample} returns for the same policy weights, prompts, config and seed, so switching engines changes
 * where the work runs and nothing else.
 */
public interface SamplingEngine extends AutoCloseable {

    /**
     * @param version the policy's weight version: the caller promises that equal versions mean equal weights, so an
     *                engine may reuse weights it shipped for that version
     */
    SampleBatch sample(CausalLm policy, long version, List<int[]> prompts, SamplingConfig config, long seed);

    /** The engine's counters since it started (shipped weights, tasks), as metrics; empty in process. */
    default java.util.Map<String, Double> metrics() {
        return java.util.Map.of();
    }

    @Override
    default void close() {
    }

    /** Sampling in this process, chunk after chunk. */
    static SamplingEngine inProcess(Tokenizer tokenizer) {
        Sampler sampler = new Sampler(tokenizer);
        return (policy, version, prompts, config, seed) -> sampler.sample(policy, prompts, config, seed);
    }
}
