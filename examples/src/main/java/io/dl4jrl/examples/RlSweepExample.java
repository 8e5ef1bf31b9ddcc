package io.dl4jrl.examples;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.hyperparam.MetricScoreFunction;
import io.dl4jrl.hyperparam.RlConfigSpace;
import io.dl4jrl.hyperparam.RlSweep;
import io.dl4jrl.hyperparam.RlTaskCreator;
import io.dl4jrl.hyperparam.SweepConfig;
import io.dl4jrl.hyperparam.SweepPlot;
import io.dl4jrl.hyperparam.SweepReport;
import io.dl4jrl.hyperparam.TaskData;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.task.ArithmeticTask;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The sweep API from Java, as a DL4J user would write it with Arbiter: a GRPO base configuration, Arbiter spaces
 * for the learning rate (log-uniform), the KL coefficient and the algorithm, random search over 6 candidates
 * from the SFT checkpoint of {@code ./rl-llm run}, two at a time, scored on held-out greedy accuracy.
 *
 * <pre>
 * ./rl-llm run                      # writes runs/main/sft/final.ckpt
 * OMP_NUM_THREADS=1 java -cp "examples/target/examples-0.1.0-SNAPSHOT.jar:$(cat examples/target/runtime-classpath.txt)" \
 *     io.dl4jrl.examples.RlSweepExample runs/main/sft/final.ckpt runs/sweep-example
 * </pre>
 */
public final class RlSweepExample {
    private RlSweepExample() {
    }

    public static void main(String[] args) throws Exception {
        Path sft = Path.of(args.length > 0 ? args[0] : "runs/main/sft/final.ckpt");
        Path out = Path.of(args.length > 1 ? args[1] : "runs/sweep-example");

        Checkpoint checkpoint = CheckpointStore.load(sft);
        io.dl4jrl.policy.CausalLm start = CheckpointStore.loadModel(checkpoint);
        ArithmeticTask task = new ArithmeticTask(List.of(1), 20000, 500, 1);

        RlConfig base = RlConfig.grpo().iterations(10).evalEvery(0).evalProblems(200).build();
        RlConfigSpace space = RlConfigSpace.builder(base)
                .learningRate(new ContinuousParameterSpace(new LogUniformDistribution(1e-5, 1e-3)))
                .klCoefficient(new ContinuousParameterSpace(0.0, 0.05))
                .algorithm(new DiscreteParameterSpace<>("grpo", "rloo", "opo"))
                .build();
        SweepConfig config = SweepConfig.builder().search(SweepConfig.Search.RANDOM).maxCandidates(6).threads(2)
                .maxDuration(Duration.ofMinutes(30)).seed(7).build();

        RlTaskCreator tasks = new RlTaskCreator(start, new CharTokenizer(), PromptFormat.DEFAULT, CorrectnessReward::new, out);
        SweepReport report = new RlSweep(space, config, MetricScoreFunction.heldOutAccuracy()).run(tasks, new TaskData(task), System.out);

        report.print(System.out);
        report.writeCsv(out.resolve("sweep.csv"));
        SweepPlot.write(report, out.resolve("sweep.png"), "GRPO / RLOO / OPO sweep");
        report.writeBestConfig(out.resolve("best-config.json"))
                .ifPresent(p -> System.out.println("best configuration: " + p + " (train --config " + p + ")"));
    }
}
