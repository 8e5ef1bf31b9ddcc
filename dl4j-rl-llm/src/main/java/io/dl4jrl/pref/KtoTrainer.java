package io.dl4jrl.pref;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.GradientPass;
import io.dl4jrl.graphs.TokenLogProbs;
import io.dl4jrl.graphs.pref.KtoLoss;
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
import io.dl4jrl.train.TrainingLoop;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * KTO ({@link KtoLoss}) on unpaired desirable / undesirable examples, on the one training loop with the policy graph,
 * listeners, evaluation and checkpoints of the other trainers.
 *
 * <p>Each step takes {@code examplesPerBatch} examples in a seeded order. For the KL reference point z0 it pairs each
 * example's prompt with the next example's completion in the batch (a mismatched pair, as TRL builds its KL batch) and
 * runs the current policy over those pairs without gradient, as the paper holds z0 constant.
 * The reference is the start policy. The data order is fixed in advance, so its sequence log-probs of every example and
 * mismatched pair the run will visit are computed once, before the first update, and cached (also in checkpoints, so
 * a resumed run keeps its anchor): no second model stays in memory. Metrics follow TRL's names: the implicit rewards
 * β·r of desirable and undesirable examples, z0 ({@code kl}), and held-out label accuracy (the share of held-out
 * examples whose implied reward r has the sign of their label).
 */
public final class KtoTrainer {
    public static final String KIND = "kto";
    public static final String HELD_OUT_ACCURACY = "held_out_label_accuracy";
    private static final String REFERENCE_CACHE = "referenceLogProbs";
    private static final int CHUNK = 16;

    private final CausalLm policy;
    private final Tokenizer tokenizer;
    private final KtoConfig config;
    private final GradientStep gradientStep;
    private final EpochOrder order;
    private final Evaluator evaluator;
    private final OffHeapCollector collector = new OffHeapCollector();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<Listener> sameDiffListeners = new ArrayList<>();
    /** log π_ref of an example (by id) or of a mismatched pair ("prompt id|completion id"). */
    private final Map<String, Double> reference = new HashMap<>();
    private final io.dl4jrl.checkpoint.SameData sameData = new io.dl4jrl.checkpoint.SameData();
    private StepEnd.CheckpointSchedule checkpoints;
    private EvalResult lastEval;
    private double lastLabelAccuracy = Double.NaN;
    private long step;

    public KtoTrainer(CausalLm start, Tokenizer tokenizer, PromptFormat format, KtoConfig config) {
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
        config.loss().attach(sd, tokenLogProbs);
        sd.setLossVariables(KtoLoss.LOSS);
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(new WarmupLinearDecay(config.learningRate(), config.warmupSteps(), config.steps())))
                .dataSetFeatureMapping(policy.graph().inputIds()).markLabelsUnused().build());
        this.gradientStep = new GradientStep(sd, KtoLoss.LOSS, List.of(KtoLoss.REWARD_DESIRABLE, KtoLoss.REWARD_UNDESIRABLE),
                config.maxGradientNorm());
    }

    public CausalLm policy() {
        return policy;
    }

    public long step() {
        return step;
    }

    public EvalResult lastEvaluation() {
        return lastEval;
    }

    /** Held-out label accuracy at the last evaluation (NaN before one). */
    public double lastLabelAccuracy() {
        return lastLabelAccuracy;
    }

    public KtoTrainer addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    public KtoTrainer addSameDiffListener(Listener l) {
        sameDiffListeners.add(l);
        return this;
    }

    /** Writes {@code kto-step-<N>.ckpt} and {@code latest.ckpt} into {@code dir} every {@code every} steps and at the end. */
    public KtoTrainer checkpointEvery(Path dir, int every) {
        this.checkpoints = new StepEnd.CheckpointSchedule(dir, every, KIND + "-step");
        return this;
    }

    public Checkpoint checkpoint() {
        ObjectNode meta = new ObjectMapper().createObjectNode();
        if (lastEval != null) {
            meta.put("heldOutAccuracy", lastEval.accuracy());
        }
        if (!Double.isNaN(lastLabelAccuracy)) {
            meta.put("heldOutLabelAccuracy", lastLabelAccuracy);
        }
        ObjectNode cache = meta.putObject(REFERENCE_CACHE);
        reference.forEach(cache::put);
        sameData.save(meta);
        return CheckpointStore.capture(policy, KIND, step, config, meta);
    }

    /** Continues from a checkpoint this trainer wrote: weights, optimizer state, step and the cached reference log-probs. */
    public void resume(Checkpoint c) {
        if (!KIND.equals(c.kind())) {
            throw new IllegalArgumentException("cannot resume KTO from a '" + c.kind() + "' checkpoint");
        }
        if (!c.model().sameShape(policy.spec())) {
            throw new IllegalArgumentException("checkpoint model " + c.model() + " differs from the policy's " + policy.spec());
        }
        io.dl4jrl.checkpoint.SameSettings.require(c.trainerConfig(), config, "checkpoint '" + c.kind() + "' at step " + c.step());
        CheckpointStore.restoreWeights(policy.graph().sameDiff(), c);
        CheckpointStore.restoreOptimizer(policy.graph().sameDiff(), c);
        JsonNode cache = c.metadata().path(REFERENCE_CACHE);
        cache.fields().forEachRemaining(e -> reference.put(e.getKey(), e.getValue().asDouble()));
        sameData.resumedFrom(c);
        this.step = c.step();
    }

    /** Trains to {@code config.steps()} steps; evaluates held-out label accuracy and greedy task accuracy on {@code evalProblems}. */
    public EvalResult train(List<UnpairedExample.Tokenized> train, List<UnpairedExample.Tokenized> heldOut, List<Problem> evalProblems)
            throws IOException {
        if (train.size() < 2) {
            throw new IllegalArgumentException("KTO needs at least 2 training examples (the KL estimate pairs a prompt with another's "
                    + "completion), got " + train.size());
        }
        sameData.training(io.dl4jrl.checkpoint.DataFingerprint.of(train, heldOut, e -> e.example().fingerprintText()));
        List<Problem> eval = evalProblems.subList(0, Math.min(config.evalProblems(), evalProblems.size()));
        cacheReference(visitedRows(train));
        cacheReference(rowsOf(heldOut));
        WarmupLinearDecay schedule = new WarmupLinearDecay(config.learningRate(), config.warmupSteps(), config.steps());
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
                List<Row> rows = batchRows(train, step);
                int b = rows.size() / 2;
                List<Row> examples = rows.subList(0, b);
                List<Row> mismatched = rows.subList(b, rows.size());
                // z0 from the current policy on the mismatched pairs: an inference pass, a constant of the step.
                double[] reference = new double[b];
                for (int i = 0; i < b; i++) {
                    reference[i] = reference(mismatched.get(i));
                }
                double z0 = KtoLoss.referencePoint(sequenceLogProbs(mismatched), reference);
                GradientStep.Result r = gradientStep.apply(feed(examples, z0), step + 1, sameDiffListeners);
                step++;
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", r.values().get(KtoLoss.LOSS));
                m.put("kl", z0);
                m.put("reward_desirable", r.values().get(KtoLoss.REWARD_DESIRABLE));
                m.put("reward_undesirable", r.values().get(KtoLoss.REWARD_UNDESIRABLE));
                m.put("grad_norm", r.gradientNorm());
                m.put("learning_rate", schedule.valueAt((int) step - 1, 0));
                return new StepMetrics(step, KIND, m);
            }

            @Override
            public Map<String, Double> evaluate() {
                if (!heldOut.isEmpty()) {
                    lastLabelAccuracy = labelAccuracy(heldOut);
                }
                if (!eval.isEmpty()) {
                    lastEval = evaluator.evaluate(policy, eval, config.maxNewTokens());
                    long s = step;
                    listeners.forEach(l -> l.onEvaluation(s, lastEval));
                }
                return heldOut.isEmpty() ? Map.of() : Map.of(HELD_OUT_ACCURACY, lastLabelAccuracy);
            }

            @Override
            public Checkpoint checkpoint() {
                return KtoTrainer.this.checkpoint();
            }
        });
        return lastEval;
    }

    /** Share of examples whose implied reward log π − log π_ref is positive for a desirable one, negative for an undesirable one. */
    public double labelAccuracy(List<UnpairedExample.Tokenized> examples) {
        List<Row> rows = rowsOf(examples);
        double[] lp = sequenceLogProbs(rows);
        int right = 0;
        for (int i = 0; i < rows.size(); i++) {
            double r = lp[i] - reference(rows.get(i));
            right += (r > 0) == examples.get(i).example().desirable() ? 1 : 0;
        }
        return examples.isEmpty() ? 0 : (double) right / examples.size();
    }

    /** One (prompt, completion) row: an example's own ({@code key} its id) or a mismatched pair ({@code "prompt id|completion id"}). */
    private record Row(String key, int[] prompt, int[] completion, boolean desirable) {
    }

    private static List<Row> rowsOf(List<UnpairedExample.Tokenized> examples) {
        List<Row> rows = new ArrayList<>(examples.size());
        for (UnpairedExample.Tokenized e : examples) {
            rows.add(new Row(e.example().id(), e.prompt(), e.completion(), e.example().desirable()));
        }
        return rows;
    }

    /** The batch of {@code step}: its examples, then each example's prompt with the next example's completion. */
    private List<Row> batchRows(List<UnpairedExample.Tokenized> train, long step) {
        int[] idx = order.batch(step, Math.min(config.examplesPerBatch(), train.size()), train.size());
        List<Row> rows = new ArrayList<>(2 * idx.length);
        for (int i : idx) {
            UnpairedExample.Tokenized e = train.get(i);
            rows.add(new Row(e.example().id(), e.prompt(), e.completion(), e.example().desirable()));
        }
        for (int k = 0; k < idx.length; k++) {
            UnpairedExample.Tokenized e = train.get(idx[k]);
            UnpairedExample.Tokenized other = train.get(idx[(k + 1) % idx.length]);
            rows.add(new Row(e.example().id() + "|" + other.example().id(), e.prompt(), other.completion(), false));
        }
        return rows;
    }

    /** Every row the remaining steps will train on, each once. */
    private List<Row> visitedRows(List<UnpairedExample.Tokenized> train) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (long s = step; s < config.steps(); s++) {
            for (Row r : batchRows(train, s)) {
                rows.putIfAbsent(r.key(), r);
            }
        }
        return new ArrayList<>(rows.values());
    }

    /** Computes (before any update) and caches log π_ref of every row not cached yet. */
    private void cacheReference(List<Row> rows) {
        List<Row> missing = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Row r : rows) {
            if (!reference.containsKey(r.key()) && seen.add(r.key())) {
                missing.add(r);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (step > 0) {
            throw new IllegalStateException(missing.size() + " KTO rows (e.g. '" + missing.get(0).key() + "') have no cached reference "
                    + "log-probs; a resumed KTO run must use the examples it started with");
        }
        double[] lp = sequenceLogProbs(missing);
        for (int i = 0; i < missing.size(); i++) {
            reference.put(missing.get(i).key(), lp[i]);
        }
    }

    private double reference(Row r) {
        Double v = reference.get(r.key());
        if (v == null) {
            throw new IllegalStateException("no cached reference log-probs for KTO row '" + r.key() + "'");
        }
        return v;
    }

    /** The current policy's log π(completion | prompt) of each row. */
    private double[] sequenceLogProbs(List<Row> rows) {
        double[] out = new double[rows.size()];
        for (int from = 0; from < rows.size(); from += CHUNK) {
            List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
            INDArray seq = GradientPass.outputs(policy.graph().sameDiff(), feed(chunk, Double.NaN), List.of(SequenceLogProbs.SEQUENCE_LOGPROBS))
                    .get(SequenceLogProbs.SEQUENCE_LOGPROBS);
            for (int i = 0; i < chunk.size(); i++) {
                out[from + i] = seq.getDouble(i);
            }
            collector.afterWork();
        }
        return out;
    }

    /** The rows in teacher-forcing layout; when training ({@code z0} not NaN), their references, labels and z0. */
    private Map<String, INDArray> feed(List<Row> rows, double z0) {
        int n = rows.size();
        int[][] prompts = new int[n][];
        int[][] completions = new int[n][];
        boolean[] finished = new boolean[n];
        for (int i = 0; i < n; i++) {
            prompts[i] = rows.get(i).prompt();
            completions[i] = rows.get(i).completion();
        }
        java.util.Arrays.fill(finished, true);
        RolloutTensors t = new RolloutTensors(new SampleBatch(prompts, completions, new float[n][0], finished), tokenizer.padId(),
                policy.contextLength());
        int[] all = RolloutTensors.range(0, n);
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(policy.graph().inputIds(), t.inputIds(all));
        feed.put(TokenLogProbs.TARGET_IDS, t.targetIds(all));
        feed.put(KtoLoss.RESPONSE_MASK, t.responseMask(all));
        if (!Double.isNaN(z0)) {
            float[] ref = new float[n];
            float[] labels = new float[n];
            for (int i = 0; i < n; i++) {
                ref[i] = (float) reference(rows.get(i));
                labels[i] = rows.get(i).desirable() ? 1f : 0f;
            }
            feed.put(KtoLoss.REF_LOGPS, Nd4j.createFromArray(ref));
            feed.put(KtoLoss.LABELS, Nd4j.createFromArray(labels));
            feed.put(KtoLoss.REFERENCE_POINT, Nd4j.createFromArray(new float[]{(float) z0}));
        }
        return feed;
    }
}
