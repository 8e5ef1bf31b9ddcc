package io.dl4jrl.spark;

import io.dl4jrl.train.GradientPasses;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Data-parallel optimizer steps on Spark (docs/distributed.md): each step's micro-batches are spread over the
 * executors in one barrier stage (gang-scheduled, as TorchDistributor schedules its workers), each executor runs the
 * forward and backward passes of its micro-batches on its copy of the training graph, and the driver sums the
 * gradients in micro-batch order with the same operations as {@link io.dl4jrl.train.GradientStep} does in process, then
 * clips and applies them with its own optimizer. The training graph is shipped once; the weights once per step.
 */
public final class SparkGradientPasses implements GradientPasses {
    private final JavaSparkContext spark;
    private final Map<SameDiff, Broadcast<GraphSnapshot>> graphs = new IdentityHashMap<>();
    private Broadcast<Map<String, byte[]>> shipped;
    private long shippedVersion = Long.MIN_VALUE;
    private long steps;
    private long passes;
    private double seconds;

    public SparkGradientPasses(JavaSparkContext spark) {
        this.spark = spark;
    }

    @Override
    public synchronized List<Pass> run(SameDiff sd, long version, List<Map<String, INDArray>> parts, List<String> outputs,
                                       List<String> trainable) {
        long t0 = System.nanoTime();
        Broadcast<GraphSnapshot> graph = graphs.computeIfAbsent(sd, g -> spark.broadcast(GraphSnapshot.of(g, UUID.randomUUID().toString())));
        if (shipped == null || shippedVersion != version) {
            if (shipped != null) {
                shipped.destroy();
            }
            shipped = spark.broadcast(GraphSnapshot.weights(sd));
            shippedVersion = version;
        }
        List<PassTask> tasks = new ArrayList<>(parts.size());
        for (int k = 0; k < parts.size(); k++) {
            Map<String, byte[]> feed = new LinkedHashMap<>();
            parts.get(k).forEach((name, arr) -> feed.put(name, ArrayBytes.of(arr)));
            tasks.add(new PassTask(k, feed));
        }
        // A barrier stage runs all its tasks at once, so it has at most as many partitions as the cluster has slots.
        int partitions = Math.max(1, Math.min(parts.size(), spark.defaultParallelism()));
        List<PassResult> results = new ArrayList<>(spark.parallelize(tasks, partitions).rdd().barrier()
                .mapPartitions(new ComputePasses(graph, shipped, version, outputs, trainable), false,
                        scala.reflect.ClassTag$.MODULE$.apply(PassResult.class)).toJavaRDD().collect());
        results.sort(Comparator.comparingInt(PassResult::part));
        List<Pass> out = new ArrayList<>(parts.size());
        for (int k = 0; k < parts.size(); k++) {
            PassResult r = results.get(k);
            if (r.part() != k || r.version() != version) {
                throw new IllegalStateException("micro-batch " + k + " came back as " + r.part() + " at version " + r.version()
                        + ", expected version " + version);
            }
            Map<String, INDArray> g = new LinkedHashMap<>();
            r.gradients().forEach((name, bytes) -> g.put(name, ArrayBytes.array(bytes)));
            out.add(new Pass(r.outputs(), g));
        }
        steps++;
        passes += parts.size();
        seconds += (System.nanoTime() - t0) / 1e9;
        return out;
    }

    @Override
    public synchronized Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("spark_gradient_steps", (double) steps);
        m.put("spark_gradient_passes", (double) passes);
        m.put("spark_gradient_seconds_total", seconds);
        return m;
    }
}
