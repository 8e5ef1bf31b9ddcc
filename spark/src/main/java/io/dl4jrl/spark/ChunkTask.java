package io.dl4jrl.spark;

import io.dl4jrl.sampling.SamplingConfig;

import java.io.Serializable;

/**
 * One sampling chunk ({@link io.dl4jrl.sampling.Sampler#chunks}) as a Spark task: its prompts, the batch's seed and
 * the chunk's index, from which the executor derives the chunk's own random stream.
 *
 * @param failFirstAttempt a test hook: the task's first attempt throws after sampling, as a killed executor would
 *                         lose its work, and Spark's retry must give the same responses
 */
record ChunkTask(int chunk, int[][] prompts, SamplingConfig config, long seed, boolean failFirstAttempt) implements Serializable {
}
