package io.dl4jrl.spark;

import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.sampling.Sampler;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.sampling.SamplingEngine;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Rollouts sampled on Spark executors (docs/distributed.md). Each call ships the policy's weights once per version
 * (a broadcast; executors cache the rebuilt policy until the version changes), makes one task per sampling chunk
 * ({@link Sampler#chunks}) with the batch's seed and the chunk's index, and assembles the executors' chunks in order.
 * A chunk's responses depend only on the weights, its prompts and that seed, so the batch is token for token what
 * {@link Sampler#sample} gives in process, wherever each chunk ran and however often Spark retried it.
 *
 * <p>The shard is the chunk: {@link SamplingConfig#maxBatchSize()} sets how many tasks a batch makes. Scoring stays on
 * the driver, with the trainer's reward function.
 */
public final class SparkSamplingEngine implements SamplingEngine {
    private final JavaSparkContext spark;
    private final TokenizerSource tokenizer;
    private final String run = UUID.randomUUID().toString();
    private final boolean ownsContext;
    private Broadcast<PolicySnapshot> shipped;
    private long shippedVersion = Long.MIN_VALUE;
    private long broadcasts;
    private long tasks;
    private long shippedBytes;
    private double seconds;
    private int failFirstAttemptOfChunk = -1;

    /**
     * @param ownsContext whether {@link #close} stops the context (true for one made by {@link SparkEngines})
     */
    public SparkSamplingEngine(JavaSparkContext spark, TokenizerSource tokenizer, boolean ownsContext) {
        this.spark = spark;
        this.tokenizer = tokenizer;
        this.ownsContext = ownsContext;
    }

    /** Test hook: the next batch's chunk {@code c} fails its first attempt after sampling, so Spark retries it. */
    public SparkSamplingEngine failFirstAttemptOfChunk(int c) {
        this.failFirstAttemptOfChunk = c;
        return this;
    }

    @Override
    public synchronized SampleBatch sample(CausalLm policy, long version, List<int[]> prompts, SamplingConfig config, long seed) {
        long t0 = System.nanoTime();
        if (shipped == null || shippedVersion != version) {
            if (shipped != null) {
                shipped.destroy();
            }
            PolicySnapshot snapshot = PolicySnapshot.of(policy, run, version);
            shipped = spark.broadcast(snapshot);
            shippedVersion = version;
            shippedBytes += snapshot.bytes().length;
            broadcasts++;
        }
        int n = Sampler.chunks(prompts.size(), config);
        List<ChunkTask> work = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            work.add(new ChunkTask(c, Sampler.chunkOf(prompts, config, c).toArray(new int[0][]), config, seed, c == failFirstAttemptOfChunk));
        }
        failFirstAttemptOfChunk = -1;
        List<ChunkResult> results = n == 0 ? List.of()
                : new ArrayList<>(spark.parallelize(work, n).map(new SampleChunk(shipped, tokenizer)).collect());
        results.sort(Comparator.comparingInt(ChunkResult::chunk));
        List<SampleBatch> parts = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            ChunkResult r = results.get(c);
            if (r.chunk() != c || r.version() != version) {
                throw new IllegalStateException("chunk " + c + " came back as chunk " + r.chunk() + " of policy version " + r.version()
                        + ", expected version " + version);
            }
            parts.add(new SampleBatch(work.get(c).prompts(), r.responses(), r.logProbs(), r.finished()));
        }
        tasks += n;
        seconds += (System.nanoTime() - t0) / 1e9;
        // Each part holds the driver's own prompt arrays (work stays on the driver; executors got copies), as callers expect.
        return Sampler.concat(parts);
    }

    @Override
    public synchronized Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("spark_broadcasts", (double) broadcasts);
        m.put("spark_broadcast_mb", shippedBytes / 1e6);
        m.put("spark_tasks", (double) tasks);
        m.put("spark_sampling_seconds_total", seconds);
        return m;
    }

    @Override
    public synchronized void close() {
        if (shipped != null) {
            shipped.destroy();
            shipped = null;
        }
        if (ownsContext) {
            spark.stop();
        }
    }
}
