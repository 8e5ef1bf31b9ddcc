package io.dl4jrl.pref;

import io.dl4jrl.graphs.GradientPass;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.TokenLogProbs;
import io.dl4jrl.graphs.pref.DpoLoss;
import io.dl4jrl.graphs.pref.DpoObjective;
import io.dl4jrl.graphs.pref.SequenceLogProbs;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.rl.RolloutTensors;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.Tokenizer;
import io.dl4jrl.train.EpochOrder;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.Evaluator;
import io.dl4jrl.train.GradientStep;
import io.dl4jrl.train.OffHeapCollector;
import io.dl4jrl.train.StepEnd;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;
import io.dl4jrl.train.WarmupLinearDecay;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct preference optimisation (and the {@link DpoLoss} variants) on preference pairs, sharing the policy graph,
 * listeners, evaluation and checkpoints with the other trainers.
 *
 * <p>The reference policy is the start policy. Its sequence log-probs log π_ref(y | x) of every pair the run will
 * visit (the data order is fixed in advance) are computed once, with the trainer's own graph before the first
 * update, and cached (also in checkpoints, so a resumed run
 * keeps its anchor): no second model is kept in memory and no reference forward pass runs per step. SimPO needs no
 * reference. With {@link DpoConfig#chosenNllWeight} the objective adds the chosen responses' NLL (RPO). Metrics follow TRL's names: the implicit rewards β·log(π/π_ref) of chosen and rejected responses,
 * their margin, and held-out preference accuracy (the share of held-out pairs whose implicit reward ranks the
 * chosen response first); the task's greedy accuracy is evaluated as for SFT and RL.
 */
public final class DpoTrainer {
    public static final String KIND = "dpo";
    public static final String HELD_OUT_ACCURACY = "held_out_preference_accuracy";
    private static final String CHOSEN_LOGPS = "dpo_chosen_logps";
    private static final String REJECTED_LOGPS = "dpo_rejected_logps";
    private static final String REFERENCE_CACHE = "referenceLogProbs";
    private static final int CHUNK = 16;

    private final CausalLm policy;
    private final Tokenizer tokenizer;
    private final DpoConfig config;
    private final GradientStep gradientStep;
    private final EpochOrder order;
    private final Evaluator evaluator;
    private final OffHeapCollector collector = new OffHeapCollector();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<Listener> sameDiffListeners = new ArrayList<>();
    /** log π_ref(chosen), log π_ref(rejected) by pair id. */
    private final Map<String, double[]> reference = new HashMap<>();
    private StepEnd.CheckpointSchedule checkpoints;
    private EvalResult lastEval;
    private final io.dl4jrl.checkpoint.SameData sameData = new io.dl4jrl.checkpoint.SameData();
    private double lastPreferenceAccuracy = Double.NaN;
    private long step;

    public DpoTrainer(CausalLm start, Tokenizer tokenizer, PromptFormat format, DpoConfig config) {
        if (tokenizer.vocabSize() != start.vocabSize()) {
            throw new IllegalArgumentException("tokenizer vocabulary (" + tokenizer.vocabSize() + ") differs from the policy's ("
                    + start.vocabSize() + ")");
        }
        this.policy = start.copy();
        this.tokenizer = tokenizer;
        this.config = config;
        this.order = new EpochOrder(config.seed());
        this.evaluator = new Evaluator(tokenizer, format);
        SameDiff sd = policy.graph().sameDiff();
        SDVariable tokenLogProbs = TokenLogProbs.attach(policy.graph(), policy.vocabSize());
        DpoObjective.attach(sd, tokenLogProbs, config.loss(), config.chosenNllWeight());
        SDVariable seq = sd.getVariable(SequenceLogProbs.SEQUENCE_LOGPROBS);
        sd.identity(CHOSEN_LOGPS, SequenceLogProbs.chosen(seq).mean());
        sd.identity(REJECTED_LOGPS, SequenceLogProbs.rejected(seq).mean());
        sd.setLossVariables(DpoObjective.TOTAL_LOSS);
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(new WarmupLinearDecay(config.learningRate(), config.warmupSteps(), config.steps())))
                .dataSetFeatureMapping(policy.graph().inputIds()).markLabelsUnused().build());
        this.gradientStep = new GradientStep(sd, DpoObjective.TOTAL_LOSS, List.of(DpoLoss.LOSS, DpoLoss.MARGIN, DpoObjective.CHOSEN_NLL, CHOSEN_LOGPS, REJECTED_LOGPS),
                config.maxGradientNorm());
    }

    /** The policy being trained (a copy of the start policy). */
    public CausalLm policy() {
        return policy;
    }

    public long step() {
        return step;
    }

    public EvalResult lastEvaluation() {
        return lastEval;
    }

    /** Held-out preference accuracy at the last evaluation (NaN before one). */
    public double lastPreferenceAccuracy() {
        return lastPreferenceAccuracy;
    }

    public DpoTrainer addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    public DpoTrainer addSameDiffListener(Listener l) {
        sameDiffListeners.add(l);
        return this;
    }

    /** Writes {@code dpo-step-<N>.ckpt} and {@code latest.ckpt} into {@code dir} every {@code every} steps and at the end. */
    public DpoTrainer checkpointEvery(Path dir, int every) {
        this.checkpoints = new StepEnd.CheckpointSchedule(dir, every, KIND + "-step");
        return this;
    }

    public Checkpoint checkpoint() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode meta = json.createObjectNode();
        if (lastEval != null) {
            meta.put("heldOutAccuracy", lastEval.accuracy());
        }
        if (!Double.isNaN(lastPreferenceAccuracy)) {
            meta.put("heldOutPreferenceAccuracy", lastPreferenceAccuracy);
        }
        ObjectNode cache = meta.putObject(REFERENCE_CACHE);
        reference.forEach((id, lp) -> cache.putArray(id).add(lp[0]).add(lp[1]));
        sameData.save(meta);
        return CheckpointStore.capture(policy, KIND, step, config, meta);
    }

    /** Continues from a checkpoint this trainer wrote: weights, optimizer state, step and the cached reference log-probs. */
    public void resume(Checkpoint c) {
        if (!KIND.equals(c.kind())) {
            throw new IllegalArgumentException("cannot resume DPO from a '" + c.kind() + "' checkpoint");
        }
        if (!c.model().sameShape(policy.spec())) {
            throw new IllegalArgumentException("checkpoint model " + c.model() + " differs from the policy's " + policy.spec());
        }
        io.dl4jrl.checkpoint.SameSettings.require(c.trainerConfig(), config, "checkpoint '" + c.kind() + "' at step " + c.step());
        CheckpointStore.restoreWeights(policy.graph().sameDiff(), c);
        CheckpointStore.restoreOptimizer(policy.graph().sameDiff(), c);
        JsonNode cache = c.metadata().path(REFERENCE_CACHE);
        cache.fields().forEachRemaining(e -> reference.put(e.getKey(), new double[]{e.getValue().get(0).asDouble(),
                e.getValue().get(1).asDouble()}));
        sameData.resumedFrom(c);
        this.step = c.step();
    }

    /**
     * Trains to {@code config.steps()} steps on {@code train}; evaluates held-out preference accuracy on
     * {@code heldOut} and greedy task accuracy on {@code evalProblems} (may be empty for data without a checker).
     */
    public EvalResult train(List<TokenizedPair> train, List<TokenizedPair> heldOut, List<Problem> evalProblems) throws IOException {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training pairs");
        }
        sameData.training(io.dl4jrl.checkpoint.DataFingerprint.of(train, heldOut, p -> p.pair().fingerprintText()));
        PreferenceStepMemory.require("DPO", policy, config.pairsPerBatch(), train);
        List<Problem> eval = evalProblems.subList(0, Math.min(config.evalProblems(), evalProblems.size()));
        cacheReference(visited(train));
        cacheReference(heldOut);
        WarmupLinearDecay schedule = new WarmupLinearDecay(config.learningRate(), config.warmupSteps(), config.steps());
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
                int[] idx = order.batch(step, config.pairsPerBatch(), train.size());
                List<TokenizedPair> pairs = new ArrayList<>(idx.length);
                for (int i : idx) {
                    pairs.add(train.get(i));
                }
                GradientStep.Result r = gradientStep.apply(feed(pairs, true), step + 1, sameDiffListeners);
                step++;
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", r.values().get(DpoObjective.TOTAL_LOSS));
                m.put("preference_loss", r.values().get(DpoLoss.LOSS));
                m.put("chosen_nll", r.values().get(DpoObjective.CHOSEN_NLL));
                m.put("reward_margin", r.values().get(DpoLoss.MARGIN));
                m.put("logps_chosen", r.values().get(CHOSEN_LOGPS));
                m.put("logps_rejected", r.values().get(REJECTED_LOGPS));
                m.put("grad_norm", r.gradientNorm());
                m.put("learning_rate", schedule.valueAt((int) step - 1, 0));
                return new StepMetrics(step, KIND, m);
            }

            @Override
            public Map<String, Double> evaluate() {
                DpoTrainer.this.evaluate(heldOut, eval);
                return heldOut.isEmpty() ? Map.of() : Map.of(HELD_OUT_ACCURACY, lastPreferenceAccuracy);
            }

            @Override
            public Checkpoint checkpoint() {
                return DpoTrainer.this.checkpoint();
            }
        });
        return lastEval;
    }

    private void evaluate(List<TokenizedPair> heldOut, List<Problem> eval) {
        if (!heldOut.isEmpty()) {
            lastPreferenceAccuracy = preferenceAccuracy(heldOut);
        }
        if (!eval.isEmpty()) {
            lastEval = evaluator.evaluate(policy, eval, config.maxNewTokens());
            long s = step;
            listeners.forEach(l -> l.onEvaluation(s, lastEval));
        }
    }

    /** Share of pairs whose implicit reward (the loss's own margin) ranks the chosen response first. */
    public double preferenceAccuracy(List<TokenizedPair> pairs) {
        double[][] lp = sequenceLogProbs(pairs);
        DpoLoss loss = config.loss();
        int right = 0;
        for (int i = 0; i < pairs.size(); i++) {
            TokenizedPair p = pairs.get(i);
            double[] ref = loss.usesReference() ? reference(p) : new double[2];
            double c = lp[i][0] - ref[0];
            double r = lp[i][1] - ref[1];
            if (loss.lengthNormalised()) { // ORPO's log-odds rise with the mean log-prob: its ranking is the mean's
                c /= p.chosen().length;
                r /= p.rejected().length;
            }
            right += c > r ? 1 : 0;
        }
        return pairs.isEmpty() ? 0 : (double) right / pairs.size();
    }

    /** The training pairs the configured steps will visit (the data order is fixed in advance), each once. */
    private List<TokenizedPair> visited(List<TokenizedPair> train) {
        java.util.BitSet seen = new java.util.BitSet(train.size());
        for (long s = step; s < config.steps() && seen.cardinality() < train.size(); s++) {
            for (int i : order.batch(s, config.pairsPerBatch(), train.size())) {
                seen.set(i);
            }
        }
        List<TokenizedPair> out = new ArrayList<>(seen.cardinality());
        seen.stream().forEach(i -> out.add(train.get(i)));
        return out;
    }

    /** Computes (before any update) and caches log π_ref of every pair not cached yet. */
    private void cacheReference(List<TokenizedPair> pairs) {
        if (!config.loss().usesReference()) {
            return;
        }
        List<TokenizedPair> missing = new ArrayList<>();
        for (TokenizedPair p : pairs) {
            if (!reference.containsKey(p.pair().id())) {
                missing.add(p);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (step > 0) {
            throw new IllegalStateException(missing.size() + " preference pairs (e.g. '" + missing.get(0).pair().id()
                    + "') have no cached reference log-probs; a resumed DPO run must use the pairs it started with");
        }
        double[][] lp = sequenceLogProbs(missing);
        for (int i = 0; i < missing.size(); i++) {
            reference.put(missing.get(i).pair().id(), lp[i]);
        }
    }

    private double[] reference(TokenizedPair p) {
        double[] r = reference.get(p.pair().id());
        if (r == null) {
            throw new IllegalStateException("no cached reference log-probs for pair '" + p.pair().id() + "'");
        }
        return r;
    }

    /** Per pair, the current policy's {log π(chosen | x), log π(rejected | x)}. */
    double[][] sequenceLogProbs(List<TokenizedPair> pairs) {
        double[][] out = new double[pairs.size()][2];
        for (int from = 0; from < pairs.size(); from += CHUNK) {
            List<TokenizedPair> chunk = pairs.subList(from, Math.min(pairs.size(), from + CHUNK));
            INDArray seq = GradientPass.outputs(policy.graph().sameDiff(), feed(chunk, false), java.util.List.of(SequenceLogProbs.SEQUENCE_LOGPROBS))
                    .get(SequenceLogProbs.SEQUENCE_LOGPROBS);
            for (int i = 0; i < chunk.size(); i++) {
                out[from + i][0] = seq.getDouble(i);
                out[from + i][1] = seq.getDouble(chunk.size() + i);
            }
            collector.afterWork();
        }
        return out;
    }

    /** Rows [0, P) chosen, [P, 2P) rejected, in teacher-forcing layout; the reference log-probs when training. */
    private Map<String, INDArray> feed(List<TokenizedPair> pairs, boolean withReference) {
        int p = pairs.size();
        int[][] prompts = new int[2 * p][];
        int[][] responses = new int[2 * p][];
        boolean[] finished = new boolean[2 * p];
        for (int i = 0; i < p; i++) {
            prompts[i] = pairs.get(i).prompt();
            prompts[p + i] = pairs.get(i).prompt();
            responses[i] = pairs.get(i).chosen();
            responses[p + i] = pairs.get(i).rejected();
        }
        java.util.Arrays.fill(finished, true);
        RolloutTensors t = new RolloutTensors(new SampleBatch(prompts, responses, new float[2 * p][0], finished), tokenizer.padId(),
                policy.contextLength());
        int[] rows = RolloutTensors.range(0, 2 * p);
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(policy.graph().inputIds(), t.inputIds(rows));
        feed.put(TokenLogProbs.TARGET_IDS, t.targetIds(rows));
        feed.put(DpoObjective.RESPONSE_MASK, t.responseMask(rows));
        if (config.loss().usesReference()) {
            float[] refChosen = new float[p];
            float[] refRejected = new float[p];
            if (withReference) {
                for (int i = 0; i < p; i++) {
                    double[] r = reference(pairs.get(i));
                    refChosen[i] = (float) r[0];
                    refRejected[i] = (float) r[1];
                }
            }
            feed.put(DpoObjective.REF_CHOSEN, Nd4j.createFromArray(refChosen));
            feed.put(DpoObjective.REF_REJECTED, Nd4j.createFromArray(refRejected));
        }
        return feed;
    }
}
