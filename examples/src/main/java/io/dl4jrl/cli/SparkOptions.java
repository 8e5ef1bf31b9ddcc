package io.dl4jrl.cli;

import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.spark.SparkEngines;
import io.dl4jrl.spark.SparkGradientPasses;
import io.dl4jrl.spark.SparkSamplingEngine;
import io.dl4jrl.spark.TokenizerSource;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --spark MASTER}: rollouts and gradient passes on Spark executors (docs/distributed.md). */
final class SparkOptions implements AutoCloseable {
    @Option(names = "--spark", description = "run rollouts and micro-batch gradients on Spark: local[2], spark://host:7077, ... "
            + "Results equal the in-process run's (default: in process)")
    String master;
    @Option(names = "--spark-updates", description = "where the micro-batch gradients run with --spark: spark or driver (default: ${DEFAULT-VALUE})")
    String updates = "spark";

    private JavaSparkContext context;
    private final java.util.List<SparkSamplingEngine> engines = new java.util.ArrayList<>();

    boolean enabled() {
        return master != null;
    }

    /**
     * Puts the trainer's sampling (and, unless --spark-updates driver, its gradient passes) on Spark. One context serves
     * every trainer (a sweep's candidates); each trainer gets engines of its own, since weight versions are per trainer.
     */
    synchronized void configure(RlTrainer trainer, Path tokenizerDir) throws IOException {
        if (!enabled()) {
            return;
        }
        if (!updates.equals("spark") && !updates.equals("driver")) {
            throw new IllegalArgumentException("--spark-updates must be spark or driver, got '" + updates + "'");
        }
        if (context == null) {
            context = SparkEngines.context(master);
        }
        SparkSamplingEngine sampling = new SparkSamplingEngine(context,
                tokenizerDir != null ? TokenizerSource.huggingFace(tokenizerDir) : TokenizerSource.builtIn(), false);
        engines.add(sampling);
        trainer.samplingEngine(sampling);
        if (updates.equals("spark")) {
            trainer.distributeGradients(new SparkGradientPasses(context));
        }
    }

    @Override
    public synchronized void close() {
        engines.forEach(SparkSamplingEngine::close);
        engines.clear();
        if (context != null) {
            context.stop();
            context = null;
        }
    }
}
