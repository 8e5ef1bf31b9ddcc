package io.dl4jrl.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.SftLoss;
import io.dl4jrl.graphs.TokenLogProbs;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.Tokenizer;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ISchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Supervised warm-up: teacher forcing on reference solutions with the prompt masked out of the loss
 * ({@link SftLoss}), Adam with linear warm-up and linear decay, periodic held-out evaluation, atomic
 * checkpoints and exact resume.
 *
 * <p>Step s trains on positions [s·B, (s+1)·B) of an endless stream of epochs, each epoch a permutation
 * of the data seeded by (seed, epoch). Resuming at step s therefore sees exactly the batches an
 * uninterrupted run would have seen.
 */
public final class SftTrainer {
    private static final Logger log = LoggerFactory.getLogger(SftTrainer.class);
    public static final String KIND = "sft";

    private final CausalLm policy;
    private final Tokenizer tokenizer;
    private final PromptFormat format;
    private final SftConfig config;
    private final Evaluator evaluator;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<Listener> sameDiffListeners = new ArrayList<>();
    private StepEnd.CheckpointSchedule checkpoints;
    private long step;
    private EvalResult lastEval;
    private final GradientStep gradientStep;
    private final EpochOrder order;
    private final io.dl4jrl.checkpoint.SameData sameData = new io.dl4jrl.checkpoint.SameData();

    public SftTrainer(CausalLm policy, Tokenizer tokenizer, PromptFormat format, SftConfig config) {
        this(policy, tokenizer, format, config, new io.dl4jrl.reward.CorrectnessReward());
    }

    /** With {@code correctness} judging the held-out evaluation's greedy responses (e.g. a judge's verdicts). */
    public SftTrainer(CausalLm policy, Tokenizer tokenizer, PromptFormat format, SftConfig config,
                      io.dl4jrl.reward.RewardFunction correctness) {
        if (tokenizer.vocabSize() != policy.vocabSize()) {
            throw new IllegalArgumentException("tokenizer vocabulary (" + tokenizer.vocabSize()
                    + ") differs from the policy's (" + policy.vocabSize() + ")");
        }
        if (config.maxNewTokens() >= policy.contextLength()) {
            throw new IllegalArgumentException("maxNewTokens (--max-new-tokens) " + config.maxNewTokens()
                    + " leaves no room for a prompt in the policy's context of " + policy.contextLength() + " tokens");
        }
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.format = format;
        this.config = config;
        this.order = new EpochOrder(config.seed());
        this.evaluator = new Evaluator(tokenizer, format, correctness);
        SameDiff sd = policy.graph().sameDiff();
        if (!sd.hasVariable(SftLoss.SFT_LOSS)) {
            SftLoss.attach(sd, TokenLogProbs.attach(policy.graph(), policy.vocabSize()));
        }
        sd.setLossVariables(SftLoss.SFT_LOSS);
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(learningRateSchedule(config)))
                .dataSetFeatureMapping(policy.graph().inputIds(), TokenLogProbs.TARGET_IDS, SftLoss.LOSS_MASK)
                .markLabelsUnused()
                .build());
        this.gradientStep = new GradientStep(sd, SftLoss.SFT_LOSS, List.of(), config.maxGradientNorm());
    }

    /** Linear warm-up to the peak, then linear decay to zero at the last step. */
    static ISchedule learningRateSchedule(SftConfig c) {
        return new WarmupLinearDecay(c.learningRate(), c.warmupSteps(), c.scheduleLength());
    }

    public SftTrainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** A SameDiff/DL4J listener: gets {@code iterationStart}/{@code iterationDone} (with the loss) every step. */
    public SftTrainer addSameDiffListener(Listener listener) {
        sameDiffListeners.add(listener);
        return this;
    }

    /** Writes {@code sft-step-<N>.ckpt} (and {@code latest.ckpt}) into {@code dir} every {@code every} steps and at the end. */
    public SftTrainer checkpointEvery(Path dir, int every) {
        this.checkpoints = new StepEnd.CheckpointSchedule(dir, every, "sft-step");
        return this;
    }

    public long step() {
        return step;
    }

    public EvalResult lastEvaluation() {
        return lastEval;
    }

    /** Continues from a checkpoint written by this trainer: weights, optimizer state and step. */
    public void resume(Checkpoint c) {
        if (!KIND.equals(c.kind())) {
            throw new IllegalArgumentException("cannot resume SFT from a '" + c.kind() + "' checkpoint");
        }
        if (!c.model().sameShape(policy.spec())) {
            throw new IllegalArgumentException("checkpoint model " + c.model() + " differs from the policy's " + policy.spec());
        }
        io.dl4jrl.checkpoint.SameSettings.require(c.trainerConfig(), config, "checkpoint '" + c.kind() + "' at step " + c.step());
        CheckpointStore.restoreWeights(policy.graph().sameDiff(), c);
        CheckpointStore.restoreOptimizer(policy.graph().sameDiff(), c);
        sameData.resumedFrom(c);
        this.step = c.step();
        log.info("resumed SFT at step {}", step);
    }

    public Checkpoint checkpoint() {
        ObjectNode meta = new ObjectMapper().createObjectNode();
        if (lastEval != null) {
            meta.put("heldOutAccuracy", lastEval.accuracy());
        }
        sameData.save(meta);
        return CheckpointStore.capture(policy, KIND, step, config, meta);
    }

    /** Trains until {@code config.steps()} steps are done; evaluates on {@code heldOut}. */
    public EvalResult train(List<Problem> train, List<Problem> heldOut) throws IOException {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training problems (an empty train split: --train-size 0, or an empty train file?)");
        }
        sameData.training(io.dl4jrl.checkpoint.DataFingerprint.of(train, heldOut, Problem::fingerprintText));
        List<Problem> data = fitting(train);
        requireMemory(data);
        List<Problem> fittingHeldOut = fitting(heldOut);
        List<Problem> eval = fittingHeldOut.subList(0, Math.min(config.evalProblems(), fittingHeldOut.size()));
        new TrainingLoop(listeners, checkpoints, config.evalEvery()).run(new TrainingLoop.Trainer() {
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
                SftBatch batch = SftBatch.of(batch(data, step), tokenizer, format, policy.contextLength());
                long start = System.nanoTime();
                GradientStep.Result r = trainStep(batch);
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", r.values().get(SftLoss.SFT_LOSS));
                m.put("grad_norm", r.gradientNorm());
                m.put("learning_rate", learningRateSchedule(config).valueAt((int) step - 1, 0));
                m.put("tokens_per_second", batch.totalTokens() / seconds);
                m.put("trained_tokens", (double) batch.trainedTokens());
                return new StepMetrics(step, KIND, m);
            }

            @Override
            public Map<String, Double> evaluate() {
                SftTrainer.this.evaluate(eval);
                return Map.of();
            }

            @Override
            public Checkpoint checkpoint() {
                return SftTrainer.this.checkpoint();
            }
        });
        if (lastEval == null) {
            lastEval = evaluator.evaluate(policy, eval, config.maxNewTokens());
        }
        return lastEval;
    }

    private void evaluate(List<Problem> eval) {
        lastEval = evaluator.evaluate(policy, eval, config.maxNewTokens());
        long s = step;
        listeners.forEach(l -> l.onEvaluation(s, lastEval));
    }

    /** One optimizer step on a prepared batch (no evaluation, listeners or checkpoints); advances the step. */
    public GradientStep.Result trainStep(SftBatch batch) {
        int rows = (int) batch.inputIds().size(0);
        int micro = config.microBatchSize() == 0 ? rows : Math.min(rows, config.microBatchSize());
        List<SftBatch> parts = batch.split(micro);
        double[] shares = new double[parts.size()];
        double total = batch.lossMask().sumNumber().doubleValue();
        for (int k = 0; k < shares.length; k++) {
            // SftLoss is a token mean: a part's share is its share of the trained tokens.
            shares[k] = total == 0 ? 1.0 / shares.length : parts.get(k).lossMask().sumNumber().doubleValue() / total;
        }
        List<java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray>> feeds = new ArrayList<>();
        parts.forEach(p -> feeds.add(p.feed(policy.graph())));
        GradientStep.Result r = gradientStep.apply(feeds, shares, step + 1, sameDiffListeners);
        step++;
        return r;
    }

    /**
     * Refuses a batch that cannot fit (see {@link MemoryBudget}), before the first evaluation: a step builds the whole
     * batch's token arrays (on the heap, then as ND4J arrays) and runs passes of {@code microBatchSize} rows, at most as
     * wide as the longest problem.
     */
    private void requireMemory(List<Problem> data) {
        int longest = 0;
        for (Problem p : data) {
            longest = Math.max(longest, SftBatch.sequenceLength(p, tokenizer, format) - 1);
        }
        long width = io.dl4jrl.graphs.ShapeBuckets.width(longest, policy.contextLength());
        long rows = config.batchSize();
        long passRows = config.microBatchSize() == 0 ? rows : Math.min(rows, config.microBatchSize());
        long nativeBytes = MemoryBudget.sum(MemoryBudget.sum(MemoryBudget.adamTrainingStateBytes(policy),
                policy.trainingPassBytes(passRows, width)), MemoryBudget.product(rows, width, 12));
        MemoryBudget.require("an SFT step of batchSize (--batch-size) " + rows + " sequences x " + width + " tokens"
                        + (passRows < rows ? " in passes of " + passRows : ""), nativeBytes, MemoryBudget.product(rows, width, 16),
                "lower --batch-size" + (passRows < rows ? " or --sft-micro-batch" : " or set --sft-micro-batch"));
    }

    /** Problems whose prompt + solution + eos fit the policy's context. */
    private List<Problem> fitting(List<Problem> problems) {
        List<Problem> out = new ArrayList<>(problems.size());
        for (Problem p : problems) {
            if (SftBatch.sequenceLength(p, tokenizer, format) <= policy.contextLength()) {
                out.add(p);
            }
        }
        if (out.isEmpty() && !problems.isEmpty()) {
            throw new IllegalArgumentException("no problem fits the context length " + policy.contextLength());
        }
        if (out.size() < problems.size()) {
            log.warn("skipping {} of {} problems longer than the context length {}", problems.size() - out.size(),
                    problems.size(), policy.contextLength());
        }
        return out;
    }

    /** The problems of step s: positions [s·B, (s+1)·B) of the epoch stream. */
    List<Problem> batch(List<Problem> data, long s) {
        List<Problem> out = new ArrayList<>(config.batchSize());
        for (int i : order.batch(s, config.batchSize(), data.size())) {
            out.add(data.get(i));
        }
        return out;
    }
}
