package io.dl4jrl.spark;

import io.dl4jrl.graphs.GradientPass;
import io.dl4jrl.train.SameDiffTraining;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.jdk.javaapi.CollectionConverters;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A barrier task's work: the micro-batches of its partition, each a forward and backward pass on the executor's copy
 * of the training graph at the step's weights. (A Scala function: Spark's barrier stages have no Java API.)
 */
final class ComputePasses extends scala.runtime.AbstractFunction1<scala.collection.Iterator<PassTask>, scala.collection.Iterator<PassResult>>
        implements Serializable {
    /** Idle graphs by graph id: built once per executor thread at most, weights re-assigned per version. */
    private static final Map<String, ConcurrentLinkedDeque<SameDiff>> IDLE = new ConcurrentHashMap<>();

    private final Broadcast<GraphSnapshot> graph;
    private final Broadcast<Map<String, byte[]>> weights;
    private final long version;
    private final List<String> outputs;
    private final List<String> trainable;

    ComputePasses(Broadcast<GraphSnapshot> graph, Broadcast<Map<String, byte[]>> weights, long version, List<String> outputs,
                  List<String> trainable) {
        this.graph = graph;
        this.weights = weights;
        this.version = version;
        this.outputs = List.copyOf(outputs);
        this.trainable = List.copyOf(trainable);
    }

    @Override
    public scala.collection.Iterator<PassResult> apply(scala.collection.Iterator<PassTask> tasks) {
        GraphSnapshot g = graph.value();
        SameDiff sd = IDLE.computeIfAbsent(g.graph(), k -> new ConcurrentLinkedDeque<>()).pollFirst();
        if (sd == null) {
            sd = g.load();
            SameDiffTraining.createGradientFunction(sd);
        }
        List<PassResult> out = new ArrayList<>();
        try {
            GraphSnapshot.assign(sd, weights.value());
            for (PassTask t : toList(tasks)) {
                Map<String, INDArray> feed = new LinkedHashMap<>();
                t.feed().forEach((name, bytes) -> feed.put(name, ArrayBytes.array(bytes)));
                OutAndGrad r = GradientPass.outputsAndGradients(sd, feed, outputs, trainable);
                Map<String, Double> values = new LinkedHashMap<>();
                for (String name : outputs) {
                    values.put(name, r.getOutputs().get(name).getDouble(0));
                }
                Map<String, byte[]> grads = new LinkedHashMap<>();
                for (String name : trainable) {
                    INDArray grad = r.getGradients().get(name);
                    if (grad != null) {
                        grads.put(name, ArrayBytes.of(grad));
                    }
                }
                out.add(new PassResult(t.part(), version, values, grads));
            }
        } finally {
            IDLE.get(g.graph()).offerFirst(sd);
        }
        return CollectionConverters.asScala(out.iterator());
    }

    private static List<PassTask> toList(scala.collection.Iterator<PassTask> tasks) {
        List<PassTask> list = new ArrayList<>();
        CollectionConverters.asJava(tasks).forEachRemaining(list::add);
        return list;
    }
}
