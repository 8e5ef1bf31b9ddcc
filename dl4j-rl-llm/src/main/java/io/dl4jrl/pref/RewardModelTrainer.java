package io.dl4jrl.pref;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.SequenceRewardHead;
import io.dl4jrl.graphs.pref.BradleyTerryLoss;
import io.dl4jrl.graphs.pref.SequenceLogProbs;
import io.dl4jrl.train.EpochOrder;
import io.dl4jrl.train.GradientStep;
import io.dl4jrl.train.StepEnd;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;
import io.dl4jrl.train.WarmupLinearDecay;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.learning.config.Adam;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a {@link RewardModel} on preference pairs with the Bradley-Terry loss −log σ(r(x, y_w) − r(x, y_l) − m)
 * ({@link BradleyTerryLoss}, optional margin and reward centring), reporting pairwise accuracy on held-out pairs.
 * A step's batch holds P pairs as 2P sequences, chosen rows first. Data order, checkpoints and exact resume work
 * as in the SFT trainer; the final checkpoint carries the held-out reward mean and std as the model's normalisation.
 */
public final class RewardModelTrainer {
    public static final String HELD_OUT_ACCURACY = "held_out_pair_accuracy";

    private final RewardModel model;
    private final RewardModelConfig config;
    private final GradientStep gradientStep;
    private final EpochOrder order;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<Listener> sameDiffListeners = new ArrayList<>();
    private StepEnd.CheckpointSchedule checkpoints;
    private RewardModel.PairwiseEvaluation lastEval;
    private final io.dl4jrl.checkpoint.SameData sameData = new io.dl4jrl.checkpoint.SameData();
    private long step;

    public RewardModelTrainer(RewardModel model, RewardModelConfig config) {
        this.model = model;
        this.config = config;
        this.order = new EpochOrder(config.seed());
        SameDiff sd = model.graph().sameDiff();
        if (!sd.hasVariable(BradleyTerryLoss.LOSS)) {
            SDVariable rewards = sd.getVariable(SequenceRewardHead.SEQUENCE_REWARD);
            new BradleyTerryLoss(config.margin(), config.centeringWeight())
                    .build(sd, SequenceLogProbs.chosen(rewards), SequenceLogProbs.rejected(rewards));
        }
        sd.setLossVariables(BradleyTerryLoss.LOSS);
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(new WarmupLinearDecay(config.learningRate(), config.warmupSteps(), config.steps())))
                .dataSetFeatureMapping(model.graph().inputIds(), SequenceRewardHead.LAST_TOKEN_MASK).markLabelsUnused().build());
        this.gradientStep = new GradientStep(sd, BradleyTerryLoss.LOSS, List.of(BradleyTerryLoss.ACCURACY), config.maxGradientNorm());
    }

    public RewardModelTrainer addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    public RewardModelTrainer addSameDiffListener(Listener l) {
        sameDiffListeners.add(l);
        return this;
    }

    /** Writes {@code reward-model-step-<N>.ckpt} and {@code latest.ckpt} into {@code dir} every {@code every} steps and at the end. */
    public RewardModelTrainer checkpointEvery(Path dir, int every) {
        this.checkpoints = new StepEnd.CheckpointSchedule(dir, every, "reward-model-step");
        return this;
    }

    public long step() {
        return step;
    }

    public RewardModel model() {
        return model;
    }

    public RewardModel.PairwiseEvaluation lastEvaluation() {
        return lastEval;
    }

    public Checkpoint checkpoint() {
        ObjectNode meta = new ObjectMapper().createObjectNode();
        meta.put(RewardModel.MEAN, model.mean());
        meta.put(RewardModel.STD, model.std());
        if (lastEval != null) {
            meta.put("heldOutPairAccuracy", lastEval.accuracy());
            meta.put("heldOutPairs", lastEval.pairs());
        }
        sameData.save(meta);
        return CheckpointStore.capture(model.trunk(), RewardModel.KIND, step, config, meta);
    }

    /** Continues from a checkpoint this trainer wrote: weights, optimizer state, step and normalisation. */
    public void resume(Checkpoint c) {
        if (!RewardModel.KIND.equals(c.kind())) {
            throw new IllegalArgumentException("cannot resume reward-model training from a '" + c.kind() + "' checkpoint");
        }
        if (!c.model().sameShape(model.trunk().spec())) {
            throw new IllegalArgumentException("checkpoint model " + c.model() + " differs from the reward model's " + model.trunk().spec());
        }
        io.dl4jrl.checkpoint.SameSettings.require(c.trainerConfig(), config, "checkpoint '" + c.kind() + "' at step " + c.step());
        CheckpointStore.restoreWeights(model.graph().sameDiff(), c);
        CheckpointStore.restoreOptimizer(model.graph().sameDiff(), c);
        model.setNormalization(c.metadata().path(RewardModel.MEAN).asDouble(0), c.metadata().path(RewardModel.STD).asDouble(1));
        sameData.resumedFrom(c);
        this.step = c.step();
    }

    /** Trains to {@code config.steps()} steps; returns the final held-out evaluation (whose statistics become the normalisation). */
    public RewardModel.PairwiseEvaluation train(List<TokenizedPair> train, List<TokenizedPair> heldOut) throws IOException {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training pairs");
        }
        if (heldOut.isEmpty()) {
            throw new IllegalArgumentException("no held-out pairs: pairwise accuracy needs some");
        }
        sameData.training(io.dl4jrl.checkpoint.DataFingerprint.of(train, heldOut, p -> p.pair().fingerprintText()));
        PreferenceStepMemory.require("reward-model", model.trunk(), config.pairsPerBatch(), train);
        new io.dl4jrl.train.TrainingLoop(listeners, checkpoints, config.evalEvery()).run(new io.dl4jrl.train.TrainingLoop.Trainer() {
            @Override
            public long step() {
                return step;
            }

            @Override
            public long lastStep() {
                return config.steps();
            }

            @Override
            public StepMetrics runStep() {
                List<int[]> seqs = batch(train, step);
                GradientStep.Result r = gradientStep.apply(model.feed(seqs), step + 1, sameDiffListeners);
                step++;
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", r.values().get(BradleyTerryLoss.LOSS));
                m.put("train_pair_accuracy", r.values().get(BradleyTerryLoss.ACCURACY));
                m.put("grad_norm", r.gradientNorm());
                m.put("learning_rate", new WarmupLinearDecay(config.learningRate(), config.warmupSteps(), config.steps())
                        .valueAt((int) step - 1, 0));
                return new StepMetrics(step, RewardModel.KIND, m);
            }

            @Override
            public Map<String, Double> evaluate() {
                RewardModelTrainer.this.evaluate(heldOut);
                Map<String, Double> m = new LinkedHashMap<>();
                m.put(HELD_OUT_ACCURACY, lastEval.accuracy());
                m.put("held_out_mean_gap", lastEval.meanGap());
                return m;
            }

            @Override
            public Checkpoint checkpoint() {
                return RewardModelTrainer.this.checkpoint();
            }
        });
        if (lastEval == null) {
            evaluate(heldOut);
        }
        return lastEval;
    }

    private void evaluate(List<TokenizedPair> heldOut) {
        lastEval = model.evaluate(heldOut);
        model.setNormalization(lastEval.rewardMean(), Math.max(lastEval.rewardStd(), 1e-6));
    }

    /** Step s's pairs as 2P sequences: the chosen ones, then the rejected ones in the same order. */
    private List<int[]> batch(List<TokenizedPair> data, long s) {
        int[] idx = order.batch(s, config.pairsPerBatch(), data.size());
        List<int[]> seqs = new ArrayList<>(2 * idx.length);
        for (int i : idx) {
            seqs.add(data.get(i).chosenSequence());
        }
        for (int i : idx) {
            seqs.add(data.get(i).rejectedSequence());
        }
        return seqs;
    }
}
