package io.dl4jrl.rl;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.ValueHead;
import io.dl4jrl.graphs.rl.RlInputs;
import io.dl4jrl.graphs.rl.RlObjective;
import io.dl4jrl.graphs.rl.ValueLoss;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.train.GradientStep;
import io.dl4jrl.train.NativeArrays;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PPO's critic as a model of its own (docs/rl.md, "Separate critic"): a causal LM (by default a copy of the start
 * policy, so its trunk starts from what the policy knows) with a value head, trained on the clipped value loss
 * (docs/algorithms.md, "PPO", value loss) by its own Adam at its own learning rate. Nothing it learns reaches the
 * policy's weights, so the critic warm-up leaves the policy exactly where it was; the shared-trunk head, by contrast,
 * moves the policy's trunk with every value-loss gradient. The cost is a second model's weights and Adam state.
 */
final class SeparateCritic {
    private final CausalLm model;
    private final GradientStep step;

    /**
     * @param model the critic's model (the trainer's own copy); a value head and the value loss are attached to it
     */
    SeparateCritic(CausalLm model, RlConfig config) {
        this.model = model;
        PolicyGraph graph = model.graph();
        SameDiff sd = graph.sameDiff();
        SDVariable values = ValueHead.attach(graph, model.hiddenWidth());
        RlInputs in = new RlInputs(sd, values.dataType());
        SDVariable loss = config.loss().aggregation().aggregate(in, ValueLoss.perToken(in, values, config.loss().valueClip()),
                config.loss().constantLength(), RlObjective.VALUE_LOSS);
        sd.setLossVariables(loss);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(config.optimization().criticLearningRateOrPolicys()))
                .dataSetFeatureMapping(graph.inputIds()).markLabelsUnused().build());
        this.step = new GradientStep(sd, RlObjective.VALUE_LOSS, List.of(), config.optimization().maxGradientNorm());
    }

    CausalLm model() {
        return model;
    }

    PolicyGraph graph() {
        return model.graph();
    }

    /** The feed of one part: inputs, the loss mask, returns and the values predicted when the batch was sampled. */
    Map<String, INDArray> feed(int[] rows, RolloutTensors tensors, float[][] returns, float[][] values) {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(graph().inputIds(), tensors.inputIds(rows));
        feed.put(RlInputs.RESPONSE_MASK, tensors.lossMask(rows));
        feed.put(RlInputs.RETURNS, tensors.place(returns, rows));
        feed.put(RlInputs.OLD_VALUES, tensors.place(values, rows));
        return feed;
    }

    /** One critic step on a mini-batch given as parts weighted by their shares (the policy's own split). */
    GradientStep.Result update(List<Map<String, INDArray>> parts, double[] shares, long stepNumber, List<Listener> listeners) {
        try {
            return step.apply(parts, shares, stepNumber, listeners);
        } finally {
            parts.forEach(p -> NativeArrays.close(p.values()));
        }
    }

    /** {@code c} with the critic's weights and optimizer state. */
    Checkpoint saveInto(Checkpoint c) {
        return CheckpointStore.withCritic(c, model.graph().sameDiff());
    }

    void restoreFrom(Checkpoint c) {
        CheckpointStore.restoreCritic(model.graph().sameDiff(), c);
    }
}
