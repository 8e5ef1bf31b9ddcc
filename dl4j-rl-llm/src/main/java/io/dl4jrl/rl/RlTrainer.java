package io.dl4jrl.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dl4jrl.graphs.GradientPass;
import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.KeptLogits;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.TokenLogProbs;
import io.dl4jrl.graphs.ValueHead;
import io.dl4jrl.graphs.rl.EntropyBonus;
import io.dl4jrl.graphs.rl.RlInputs;
import io.dl4jrl.graphs.rl.RlObjective;
import io.dl4jrl.memory.MemoryBonus;
import io.dl4jrl.memory.MemoryShaping;
import io.dl4jrl.memory.ResponseEmbedder;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.TokenIds;
import io.dl4jrl.text.Tokenizer;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.Evaluator;
import io.dl4jrl.train.GradientStep;
import io.dl4jrl.train.NativeArrays;
import io.dl4jrl.train.OffHeapCollector;
import io.dl4jrl.train.MemoryBudget;
import io.dl4jrl.train.StepEnd;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;
import io.dl4jrl.train.TrainingLoop;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The RL loop every policy-gradient method of the library runs; methods differ only by configuration
 * ({@link RlConfig}: advantage estimator, policy loss, KL placement, critic). One iteration:
 * <ol>
 *   <li>draw {@code promptsPerIteration} problems and sample {@code groupSize} responses to each (KV-cache sampler);</li>
 *   <li>score them with the reward function;</li>
 *   <li>recompute the sampling policy's log-probs with the training graph (so the first ratio is exactly 1),
 *       the frozen reference's log-probs (when a KL is used) and the value head's values (with a critic);</li>
 *   <li>estimate advantages;</li>
 *   <li>{@code epochs} passes of mini-batch gradient steps on the {@link RlObjective}.</li>
 * </ol>
 * The trainer works on its own copy of the start policy ({@link #policy()}); the reference is a frozen copy.
 */
public final class RlTrainer {
    private final CausalLm policy;
    private final CausalLm reference;
    private final Tokenizer tokenizer;
    private final PromptFormat format;
    private final RewardFunction reward;
    private final RewardFunction correctness = new CorrectnessReward();
    private final RlConfig config;
    private final AdvantageEstimator estimator;
    private final RlObjective.Attached objective;
    private final GradientStep gradientStep;
    private io.dl4jrl.sampling.SamplingEngine engine;
    private final Evaluator evaluator;
    private final OffHeapCollector collector = new OffHeapCollector();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<Listener> sameDiffListeners = new ArrayList<>();
    private final boolean needsReference;
    /** PPO's critic as its own model (--critic separate); null with a value head on the policy's trunk or no critic. */
    private final SeparateCritic critic;
    private StepEnd.CheckpointSchedule checkpoints;
    private List<Problem> diagnosticProblems = List.of();
    private final RlRun run = new Run();
    private RolloutSource source;
    private final List<RewardShaping> shapings = new ArrayList<>();
    private final List<GroupFilter> filters = new ArrayList<>();
    private final List<IterationProbe> probes = new ArrayList<>();
    private long iteration;
    private EvalResult startEvaluation;
    private EvalResult lastEval;
    private final io.dl4jrl.checkpoint.SameData sameData = new io.dl4jrl.checkpoint.SameData();

    public RlTrainer(CausalLm start, Tokenizer tokenizer, PromptFormat format, RewardFunction reward, RlConfig config) {
        this(start, tokenizer, format, reward, config, null);
    }

    /**
     * @param criticStart the separate critic's start model (a smaller one, say) when {@link RlOptimization#separateCritic()};
     *                    null: a copy of {@code start}. The trainer works on its own copy of it.
     */
    public RlTrainer(CausalLm start, Tokenizer tokenizer, PromptFormat format, RewardFunction reward, RlConfig config, CausalLm criticStart) {
        if (criticStart != null && !config.optimization().separateCritic()) {
            throw new IllegalArgumentException("a critic model was given, but the config has no separate critic (separateCritic)");
        }
        if (criticStart != null && criticStart.vocabSize() != start.vocabSize()) {
            throw new IllegalArgumentException("the critic's vocabulary (" + criticStart.vocabSize() + ") differs from the policy's ("
                    + start.vocabSize() + ")");
        }
        if (tokenizer.vocabSize() != start.vocabSize()) {
            throw new IllegalArgumentException("tokenizer vocabulary (" + tokenizer.vocabSize() + ") differs from the policy's ("
                    + start.vocabSize() + ")");
        }
        if (config.sampling().maxNewTokens() >= start.contextLength()) {
            throw new IllegalArgumentException("maxNewTokens (--max-new-tokens) " + config.sampling().maxNewTokens()
                    + " leaves no room for a prompt in the policy's context of " + start.contextLength() + " tokens");
        }
        this.policy = start.copy();
        this.tokenizer = tokenizer;
        this.format = format;
        this.reward = reward;
        this.config = config;
        this.estimator = AdvantageEstimators.create(config.advantageEstimator(), config);
        this.needsReference = config.loss().klCoefficient() > 0 || config.loss().klRewardCoefficient() > 0 || config.diagnostics().trackPolicyShift();
        this.reference = needsReference ? start.copy() : null;
        if (reference != null) {
            TokenLogProbs.attachKept(reference.graph(), reference.vocabSize(), config.sampling().temperature());
        }
        RlObjective rl = RlObjective.builder()
                .policyLoss(PolicyLosses.create(config.loss().policyLoss(), config))
                .aggregation(config.loss().aggregation()).constantLength(config.loss().constantLength())
                .klCoefficient(config.loss().klCoefficient()).klEstimator(config.loss().klEstimator())
                .entropyCoefficient(config.loss().entropyCoefficient())
                .valueCoefficient(sharedCritic(config) ? config.loss().valueCoefficient() : 0).valueClip(config.loss().valueClip())
                .temperature(config.sampling().temperature())
                .importanceWeighted(objectiveWeighted())
                .covariance(config.loss().covariance()).build();
        this.objective = rl.attach(policy.graph(), policy.vocabSize(), sharedCritic(config) ? policy.hiddenWidth() : 0);
        this.critic = config.optimization().separateCritic()
                ? new SeparateCritic((criticStart != null ? criticStart : start).copy(), config) : null;
        SameDiff sd = policy.graph().sameDiff();
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(config.optimization().learningRate()))
                .dataSetFeatureMapping(policy.graph().inputIds()).markLabelsUnused().build());
        this.gradientStep = new GradientStep(sd, objective.loss(), objective.diagnostics(), config.optimization().maxGradientNorm());
        this.engine = io.dl4jrl.sampling.SamplingEngine.inProcess(tokenizer);
        this.evaluator = new Evaluator(tokenizer, format);
        // The plug-ins the config's option blocks turn on (RolloutSources, RewardShapings, IterationProbes).
        this.source = RolloutSources.forRun(run);
        this.shapings.addAll(RewardShapings.forRun(run));
        this.filters.addAll(GroupFilters.forRun(run));
        this.probes.addAll(IterationProbes.forRun(run));
    }

    /** Whether the value head sits on the policy's own trunk (a critic estimator without a separate critic). */
    private static boolean sharedCritic(RlConfig config) {
        return config.loss().valueCoefficient() > 0 && !config.optimization().separateCritic();
    }

    /** The separate critic's model, or null when the run has none (see {@link RlOptimization#separateCritic()}). */
    public CausalLm criticModel() {
        return critic == null ? null : critic.model();
    }

    /** Replaces the rollout source (fresh prompts, or the one the config turned on) before the first iteration. */
    public RlTrainer withRolloutSource(RolloutSource source) {
        this.source = java.util.Objects.requireNonNull(source, "source");
        return this;
    }

    /** Adds a reward shaping after those the config turned on. */
    public RlTrainer addRewardShaping(RewardShaping shaping) {
        shapings.add(java.util.Objects.requireNonNull(shaping, "shaping"));
        return this;
    }

    /** Adds a group filter after those the config turned on (a dropped group is replaced by a fresh one, see {@link GroupFilter}). */
    public RlTrainer addGroupFilter(GroupFilter filter) {
        filters.add(java.util.Objects.requireNonNull(filter, "filter"));
        return this;
    }

    /** Adds an iteration probe after those the config turned on. */
    public RlTrainer addProbe(IterationProbe probe) {
        probes.add(java.util.Objects.requireNonNull(probe, "probe"));
        return this;
    }

    /** The run's plug-in of type {@code type} (its rollout source, a shaping or a probe), if it has one. */
    public <P extends RlPlugin> java.util.Optional<P> plugin(Class<P> type) {
        List<RlPlugin> all = new ArrayList<>();
        all.add(source);
        all.addAll(shapings);
        all.addAll(filters);
        all.addAll(probes);
        return all.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Memory-R+'s memories and bonuses, or null when off. */
    public MemoryBonus memoryBonus() {
        return plugin(MemoryShaping.class).map(MemoryShaping::bonus).orElse(null);
    }

    /** Replaces the episodic memory's default embedding (the policy's pooled hidden states), e.g. by a sentence encoder. */
    public RlTrainer withEmbedder(ResponseEmbedder embedder) {
        plugin(MemoryShaping.class).orElseThrow(() -> new IllegalStateException("Memory-R+ is off in this run's config"))
                .withEmbedder(embedder);
        return this;
    }

    /** RRL's replay buffer, or null when replay is off. */
    public ReplayBuffer replayBuffer() {
        return plugin(ReplaySource.class).map(ReplaySource::buffer).orElse(null);
    }

    /** Every plug-in's checkpointed state, in plug-in order. */
    private List<CheckpointPart> checkpointParts() {
        List<CheckpointPart> parts = new ArrayList<>(source.checkpointParts());
        shapings.forEach(x -> parts.addAll(x.checkpointParts()));
        filters.forEach(x -> parts.addAll(x.checkpointParts()));
        probes.forEach(x -> parts.addAll(x.checkpointParts()));
        return parts;
    }

    /** The policy being trained (a copy of the start policy). */
    public CausalLm policy() {
        return policy;
    }

    /**
     * Records the run's start evaluation (a caller's "before", e.g. on the whole held-out set); it travels in checkpoints, so
     * a resumed run reports its gain against the run's own start, not the resume point.
     */
    public RlTrainer withStartEvaluation(EvalResult start) {
        this.startEvaluation = java.util.Objects.requireNonNull(start, "start");
        return this;
    }

    /** The run's start evaluation, set by {@link #withStartEvaluation} or restored from a checkpoint; null if neither. */
    public EvalResult startEvaluation() {
        return startEvaluation;
    }

    public long iteration() {
        return iteration;
    }

    public EvalResult lastEvaluation() {
        return lastEval;
    }

    /**
     * Samples rollouts (and VinePPO's Monte-Carlo completions) with {@code engine} instead of in this process; every
     * engine gives the same responses for the same seeds. The trainer does not close it.
     */
    public RlTrainer samplingEngine(io.dl4jrl.sampling.SamplingEngine engine) {
        this.engine = java.util.Objects.requireNonNull(engine, "engine");
        return this;
    }

    /**
     * Runs each optimizer step's micro-batch passes with {@code passes} (on other machines); the gradients are summed
     * and applied here, as in process. A separate critic's steps stay in process.
     */
    public RlTrainer distributeGradients(io.dl4jrl.train.GradientPasses passes) {
        gradientStep.distributeWith(passes);
        return this;
    }

    /** The policy's weight version for sampling engines: iterations completed, as each ends with the only weight update. */
    private long policyVersion() {
        return iteration;
    }

    public RlTrainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    public RlTrainer addSameDiffListener(Listener listener) {
        sameDiffListeners.add(listener);
        return this;
    }

    /** Writes {@code <algorithm>-iter-<N>.ckpt} and {@code latest.ckpt} into {@code dir} every {@code every} iterations and at the end. */
    public RlTrainer checkpointEvery(Path dir, int every) {
        this.checkpoints = new StepEnd.CheckpointSchedule(dir, every, config.algorithm() + "-iter");
        return this;
    }

    public Checkpoint checkpoint() {
        var meta = new ObjectMapper().createObjectNode();
        if (lastEval != null) {
            meta.put("heldOutAccuracy", lastEval.accuracy());
        }
        for (CheckpointPart part : checkpointParts()) {
            meta.set(part.key(), part.save());
        }
        sameData.save(meta);
        if (startEvaluation != null) {
            meta.putObject(START_EVALUATION).put("correct", startEvaluation.correct()).put("problems", startEvaluation.problems())
                    .put("meanResponseLength", startEvaluation.meanResponseLength());
        }
        Checkpoint c = CheckpointStore.capture(policy, kind(), iteration, config, meta);
        if (critic != null) {
            c = critic.saveInto(c);
        }
        // The frozen reference travels with the policy, so that a resumed run keeps its KL anchor.
        return reference == null ? c : CheckpointStore.withReference(c, reference.graph().sameDiff());
    }

    private static final String START_EVALUATION = "startEvaluation";

    private String kind() {
        return "rl-" + config.algorithm();
    }

    /**
     * The start policy to construct a trainer with before {@link #resume}-ing from {@code c}: the run's frozen reference
     * (its start) when the checkpoint stores one, so the resumed run keeps its KL anchor; otherwise the checkpoint's
     * policy (resume then restores it again, with its optimizer state). The model is rebuilt through its registered type.
     */
    public static CausalLm startOf(Checkpoint c) {
        CausalLm start = io.dl4jrl.policy.CausalLms.create(c.model());
        if (CheckpointStore.referenceWeights(c).isEmpty()) {
            CheckpointStore.restoreWeights(start.graph().sameDiff(), c);
        } else {
            CheckpointStore.restoreReference(start.graph().sameDiff(), c);
        }
        return start;
    }

    /**
     * Continues from a checkpoint this trainer (same algorithm and model shape) wrote: policy and value-head
     * weights, optimizer state, reference weights and the iteration count. Prompts, samples and mini-batch
     * order are functions of (seed, iteration), so the continued run equals an uninterrupted one.
     */
    public void resume(Checkpoint c) {
        if (!kind().equals(c.kind())) {
            throw new IllegalArgumentException("cannot resume " + config.algorithm() + " from a '" + c.kind() + "' checkpoint");
        }
        if (!c.model().sameShape(policy.spec())) {
            throw new IllegalArgumentException("checkpoint model " + c.model() + " differs from the policy's " + policy.spec());
        }
        // Exact only with the settings the run started with (older checkpoints hold the flat layout: read through RlConfigJson).
        io.dl4jrl.checkpoint.SameSettings.require(c.trainerConfig() == null || c.trainerConfig().isNull() ? null
                : RlConfigJson.toJson(RlConfigJson.fromJson(c.trainerConfig(), "checkpoint '" + c.kind() + "' at step " + c.step())),
                config, "checkpoint '" + c.kind() + "' at step " + c.step());
        CheckpointStore.restoreWeights(policy.graph().sameDiff(), c);
        CheckpointStore.restoreOptimizer(policy.graph().sameDiff(), c);
        if (reference != null) {
            CheckpointStore.restoreReference(reference.graph().sameDiff(), c);
        }
        if (critic != null) {
            critic.restoreFrom(c);
        }
        JsonNode start = c.metadata().get(START_EVALUATION);
        if (start != null) {
            startEvaluation = new EvalResult(start.path("problems").asInt(), start.path("correct").asInt(), Map.of(), Map.of(),
                    start.path("meanResponseLength").asDouble(), List.of());
        }
        for (CheckpointPart part : checkpointParts()) {
            if (c.metadata().has(part.key())) {
                part.restore(c.metadata().get(part.key()), "checkpoint '" + c.kind() + "' at step " + c.step());
            }
        }
        sameData.resumedFrom(c);
        this.iteration = c.step();
    }

    /**
     * Held-out problems for the value-prediction diagnostics ({@link VineConfig#diagnosticsEvery()}); {@link #train}
     * sets them from its held-out split, custom loops calling {@link #iterate} set them here.
     */
    public RlTrainer diagnoseValuesOn(List<Problem> problems) {
        this.diagnosticProblems = List.copyOf(problems);
        return this;
    }

    /** Runs the remaining iterations; returns the final held-out evaluation. */
    public EvalResult train(List<Problem> train, List<Problem> heldOut) throws IOException {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training problems (an empty train split: --train-size 0, or an empty train file?)");
        }
        sameData.training(io.dl4jrl.checkpoint.DataFingerprint.of(train, heldOut, Problem::fingerprintText));
        requireMemory(train);
        List<Problem> eval = heldOut.subList(0, Math.min(config.evaluation().evalProblems(), heldOut.size()));
        if (diagnosticProblems.isEmpty()) {
            diagnoseValuesOn(heldOut);
        }
        new TrainingLoop(listeners, checkpoints, config.evaluation().evalEvery()).run(new TrainingLoop.Trainer() {
            @Override
            public long step() {
                return iteration;
            }

            @Override
            public long lastStep() {
                return config.iterations();
            }

            @Override
            public StepMetrics runStep() {
                return runIteration(train);
            }

            @Override
            public Map<String, Double> evaluate() {
                RlTrainer.this.evaluate(eval);
                return Map.of();
            }

            @Override
            public Checkpoint checkpoint() {
                return RlTrainer.this.checkpoint();
            }
        });
        return lastEval;
    }

    /**
     * Refuses an iteration that cannot fit (see {@link MemoryBudget}), before the first evaluation: an iteration keeps
     * every rollout's tokens and per-token log-probs (heap, then ND4J arrays), the policy's Adam state and the frozen
     * reference's weights, and trains in passes of {@code microBatchSize} rows as wide as the longest prompt plus the
     * response budget.
     */
    private void requireMemory(List<Problem> train) {
        int longestPrompt = 0;
        for (Problem p : train) {
            longestPrompt = Math.max(longestPrompt, tokenizer.encode(format.prompt(p)).length);
        }
        long width = io.dl4jrl.graphs.ShapeBuckets.width(Math.min(policy.contextLength(), longestPrompt + config.sampling().maxNewTokens()),
                policy.contextLength());
        long rollouts = config.sampling().batchSize();
        long passRows = Math.min(rollouts, config.optimization().microBatchSize());
        long model = MemoryBudget.sum(MemoryBudget.sum(MemoryBudget.adamTrainingStateBytes(policy), needsReference ? reference.weightBytes() : 0),
                critic != null ? MemoryBudget.adamTrainingStateBytes(critic.model()) : 0);
        long nativeBytes = MemoryBudget.sum(MemoryBudget.sum(model, policy.trainingPassBytes(passRows, width)),
                MemoryBudget.product(rollouts, width, 16));
        MemoryBudget.require("an RL iteration of promptsPerIteration (--prompts) " + config.sampling().promptsPerIteration()
                        + " x groupSize (--group-size) " + config.sampling().groupSize() + " rollouts of up to " + width
                        + " tokens, trained in passes of " + passRows, nativeBytes, MemoryBudget.product(rollouts, width, 12),
                "lower --prompts or --group-size, or set a smaller --micro-batch");
    }

    private void evaluate(List<Problem> eval) {
        lastEval = evaluator.evaluate(policy, eval, config.sampling().maxNewTokens());
        long it = iteration;
        listeners.forEach(l -> l.onEvaluation(it, lastEval));
    }

    /**
     * Runs one iteration (sample, score, estimate advantages, update) on problems drawn from {@code train},
     * tells the listeners, and returns its metrics. {@link #train} calls it; benchmarks and custom loops may too.
     */
    public StepMetrics iterate(List<Problem> train) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training problems (an empty train split: --train-size 0, or an empty train file?)");
        }
        StepMetrics metrics = runIteration(train);
        listeners.forEach(l -> l.onStep(metrics));
        return metrics;
    }

    private StepMetrics runIteration(List<Problem> train) {
        long seedBase = config.seed() * 0x9E3779B97F4A7C15L + iteration;
        SplittableRandom random = new SplittableRandom(seedBase);
        int g = config.sampling().groupSize();
        int wanted = config.sampling().promptsPerIteration();
        Map<String, Double> pluginMetrics = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        SamplingConfig sampling = SamplingConfig.builder().maxNewTokens(config.sampling().maxNewTokens()).temperature(config.sampling().temperature())
                .topP(config.sampling().topP()).maxBatchSize(Math.max(64, g)).build();
        // Rounds of sampling: one, unless a group filter drops groups; then fresh prompts refill the batch, up to the cap.
        List<Rollouts> keptParts = new ArrayList<>();
        Rollouts firstRound = null;
        int kept = 0;
        int rounds = 0;
        int dropped = 0;
        int maxRounds = filters.isEmpty() ? 1 : config.sampling().maxSamplingRounds();
        while (kept < wanted && rounds < maxRounds) {
            Rollouts round = sampleRound(train, wanted - kept, sampling, random);
            rounds++;
            firstRound = firstRound == null ? round : firstRound;
            List<Integer> keep = new ArrayList<>();
            for (int k = 0; k < round.groups(); k++) {
                int group = k;
                if (filters.stream().allMatch(f -> f.keep(round, group, round.taskRewards()))) {
                    keep.add(k);
                } else {
                    dropped++;
                }
            }
            int take = Math.min(keep.size(), wanted - kept);
            // A round kept whole (always, without filters) is used as it is, not copied.
            keptParts.add(take == round.groups() ? round : round.groups(keep.subList(0, take).stream().mapToInt(Integer::intValue).toArray()));
            kept += take;
        }
        // A batch no group of which passed trains on the first round as drawn (its advantages are 0: only KL terms act).
        Rollouts rollouts = kept == 0 ? firstRound : keptParts.size() == 1 ? keptParts.get(0) : Rollouts.concat(keptParts);
        long t1 = System.nanoTime();
        if (!filters.isEmpty()) {
            pluginMetrics.put("sampling_rounds", (double) rounds);
            pluginMetrics.put("groups_dropped", (double) dropped);
            pluginMetrics.put("groups_kept", (double) kept);
        }
        SampleBatch batch = rollouts.batch();
        List<Problem> problems = rollouts.problems();
        List<int[]> prompts = rollouts.prompts();
        int n = batch.size();
        double[] outcomes = rollouts.taskRewards().clone();
        double correct = 0;
        for (double c : rollouts.correctness()) {
            correct += c;
        }
        for (RewardShaping shaping : shapings) {
            timed(shaping, pluginMetrics, () -> shaping.shape(rollouts, outcomes, run));
        }
        timed(source, pluginMetrics, () -> source.observe(rollouts, run, random));
        // DAPO's overlong filtering: a response the budget cut off keeps its place in the group's baseline but takes no part in the loss.
        RolloutTensors tensors = new RolloutTensors(batch, tokenizer.padId(), policy.contextLength(),
                config.loss().maskTruncated() ? batch.finished() : null);
        // One inference pass gives the sampling policy's log-probs and its entropy (the entropy is no training output
        // unless it is part of the loss, so training never holds its [rows, vocabulary] arrays for a diagnostic).
        Map<String, float[][]> scored = perTokenOutputs(policy.graph(), List.of(TokenLogProbs.TOKEN_LOGPROBS, EntropyBonus.TOKEN_ENTROPY), tensors);
        float[][] oldLogProbs = scored.get(TokenLogProbs.TOKEN_LOGPROBS);
        double entropy = maskedMean(scored.get(EntropyBonus.TOKEN_ENTROPY));
        // The sampler's own log-probs against the trainer's: the mismatch, and the importance weights that correct it.
        OffPolicyCorrection correction = config.loss().offPolicyCorrection();
        float[][] isWeights = correction.weights(oldLogProbs, batch.logProbs(), config.loss().offPolicyThreshold());
        Map<String, Double> mismatch = correction.metrics(oldLogProbs, batch.logProbs(), isWeights, config.loss().offPolicyThreshold());
        float[][] refLogProbs = needsReference ? perTokenOutput(reference.graph(), TokenLogProbs.TOKEN_LOGPROBS, tensors) : null;
        float[][] values = estimator.needsCritic() ? perTokenOutput(critic != null ? critic.graph() : policy.graph(), ValueHead.VALUES, tensors) : null;
        float[][] klPenalty = null;
        double klSum = 0;
        long tokens = batch.totalResponseTokens();
        if (refLogProbs != null) {
            klPenalty = new float[n][];
            for (int i = 0; i < n; i++) {
                klPenalty[i] = new float[tensors.lengths()[i]];
                for (int t = 0; t < klPenalty[i].length; t++) {
                    double k = config.loss().klEstimator().value(oldLogProbs[i][t], refLogProbs[i][t]);
                    klSum += k;
                    klPenalty[i][t] = (float) (config.loss().klRewardCoefficient() * k);
                }
            }
        }
        RolloutGroups groups = new RolloutGroups(g, tensors.lengths(), outcomes, klPenalty, values);
        Advantages advantages;
        if (estimator.needsRolloutContext()) {
            VineConfig v = config.vine().resolve(config.sampling().temperature(), config.sampling().topP());
            PolicyRollouts engine = rollouts(problems, v.temperature(), v.topP(), random.nextLong());
            advantages = estimator.estimate(groups, new RolloutContext(prompts, batch.responses(), tokenizer, engine));
        } else {
            advantages = estimator.estimate(groups);
        }
        IterationView view = new IterationView(run, rollouts, groups,
                (group, perToken) -> groupGradient(group, perToken, tensors, oldLogProbs, refLogProbs, values), seedBase);
        for (IterationProbe probe : probes) {
            timed(probe, pluginMetrics, () -> probe.measure(view));
        }
        long t2 = System.nanoTime();

        Map<String, Double> sums = new LinkedHashMap<>();
        Map<String, Double> criticSums = new LinkedHashMap<>();
        int steps = 0;
        int criticSteps = 0;
        double gradNorm = 0;
        double criticGradNorm = 0;
        boolean warmup = iteration < config.optimization().criticWarmupIterations();
        // Critic warm-up: zero advantages leave the policy loss without gradient, so only the value head learns; a separate
        // critic warms up alone, the policy takes no step at all.
        float[][] perTokenAdvantages = warmup ? zeros(tensors) : advantages.perToken();
        boolean policySteps = !(warmup && critic != null);
        long selectedTokens = 0;
        long consideredTokens = 0;
        for (int epoch = 0; epoch < config.optimization().epochs(); epoch++) {
            int[] order = permutation(n, new SplittableRandom(seedBase ^ (0x5DEECE66DL * (epoch + 1))));
            for (int from = 0; from < n; from += config.optimization().miniBatchSize()) {
                int[] rows = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + config.optimization().miniBatchSize()));
                // The mini-batch runs as micro-batches whose gradients add up to its own (LossAggregation.share).
                List<int[]> partRows = microBatches(rows, config.optimization().microBatchSize());
                double[] shares = new double[partRows.size()];
                long batchTokens = responseTokens(rows, tensors);
                for (int k = 0; k < shares.length; k++) {
                    int[] part = partRows.get(k);
                    shares[k] = config.loss().aggregation().share(responseTokens(part, tensors), part.length, batchTokens, rows.length);
                }
                if (policySteps) {
                    float[][] selected = covarianceSelection(rows, tensors, oldLogProbs, perTokenAdvantages, seedBase, steps);
                    if (selected != null) {
                        selectedTokens += count(selected);
                        consideredTokens += responseTokens(rows, tensors);
                    }
                    List<Map<String, INDArray>> parts = new ArrayList<>();
                    for (int[] part : partRows) {
                        Map<String, INDArray> f = feed(part, tensors, oldLogProbs, refLogProbs, perTokenAdvantages,
                                critic == null ? advantages.returns() : null, values, isWeights);
                        if (selected != null) {
                            f.put(io.dl4jrl.graphs.rl.CovarianceControl.SELECTED, tensors.place(selected, part));
                        }
                        parts.add(f);
                    }
                    GradientStep.Result r;
                    try {
                        r = gradientStep.apply(parts, shares, iteration + 1, sameDiffListeners);
                    } finally {
                        parts.forEach(p -> NativeArrays.close(p.values()));
                    }
                    r.values().forEach((k, v) -> sums.merge(k, v, Double::sum));
                    gradNorm += r.gradientNorm();
                    steps++;
                }
                if (critic != null) {
                    List<Map<String, INDArray>> parts = new ArrayList<>();
                    for (int[] part : partRows) {
                        parts.add(critic.feed(part, tensors, advantages.returns(), values));
                    }
                    GradientStep.Result r = critic.update(parts, shares, iteration + 1, List.of());
                    r.values().forEach((k, v) -> criticSums.merge(k, v, Double::sum));
                    criticGradNorm += r.gradientNorm();
                    criticSteps++;
                }
            }
        }
        long t3 = System.nanoTime();
        iteration++;

        double[] taskRewards = rollouts.taskRewards();
        double meanReward = mean(taskRewards);
        double var = 0;
        for (double o : taskRewards) {
            var += (o - meanReward) * (o - meanReward);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("reward_mean", meanReward);
        m.put("reward_std", Math.sqrt(var / n));
        m.put("accuracy", correct / n);
        m.put("response_length", (double) tokens / n);
        m.put("truncated_fraction", fractionTruncated(batch));
        for (Map.Entry<String, Double> e : sums.entrySet()) {
            m.put(e.getKey(), e.getValue() / steps);
        }
        for (Map.Entry<String, Double> e : criticSums.entrySet()) {
            m.put(e.getKey(), e.getValue() / criticSteps);
        }
        m.putIfAbsent(RlObjective.ENTROPY, entropy); // the loss's own (mean over gradient steps) when it has an entropy bonus
        if (refLogProbs != null) {
            m.put("kl_to_reference", klSum / Math.max(1, tokens));
        }
        m.putAll(advantages.metrics());
        m.putAll(mismatch);
        if (config.loss().covariance().enabled()) {
            m.put(io.dl4jrl.graphs.rl.CovarianceControl.SELECTED_FRACTION, consideredTokens == 0 ? 0.0 : (double) selectedTokens / consideredTokens);
        }
        m.putAll(pluginMetrics);
        m.put("grad_norm", steps == 0 ? 0.0 : gradNorm / steps);
        m.put("gradient_steps", (double) steps);
        if (critic != null) {
            m.put("critic_grad_norm", criticGradNorm / Math.max(1, criticSteps));
        }
        m.put("sampled_tokens_per_second", tokens / ((t1 - t0) / 1e9));
        m.put("time_sampling_s", (t1 - t0) / 1e9);
        // Scoring is what the loop itself spent between sampling and the update: plug-ins and rollout engines report their own time.
        double excluded = 0;
        for (Map.Entry<String, Double> e : m.entrySet()) {
            if (e.getKey().startsWith("time_") && !e.getKey().equals("time_sampling_s")) {
                excluded += e.getValue();
            }
        }
        m.put("time_scoring_s", (t2 - t1) / 1e9 - excluded);
        m.put("time_update_s", (t3 - t2) / 1e9);
        m.putAll(engine.metrics()); // a distributed engine's running totals (in process: none)
        m.putAll(gradientStep.distributedMetrics());
        return new StepMetrics(iteration, config.algorithm(), m);
    }

    /** Runs a plug-in, adds its metrics and, when it did something, its time as {@code time_<name>_s}. */
    private static void timed(RlPlugin plugin, Map<String, Double> into, java.util.function.Supplier<Map<String, Double>> work) {
        long t0 = System.nanoTime();
        Map<String, Double> metrics = work.get();
        if (!metrics.isEmpty()) {
            into.putAll(metrics);
            into.put("time_" + plugin.name() + "_s", (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Completions of intermediate states from the current policy (VinePPO's values, RRL's judging), row i scored on problem i. */
    private PolicyRollouts rollouts(List<Problem> problems, double temperature, double topP, long seed) {
        SamplingConfig sampling = SamplingConfig.builder().maxNewTokens(config.sampling().maxNewTokens()).temperature(temperature).topP(topP)
                .maxBatchSize(64).build();
        return new PolicyRollouts(policy, tokenizer, reward, problems::get, sampling, seed, engine, policyVersion());
    }

    private Map<String, INDArray> feed(int[] rows, RolloutTensors tensors, float[][] oldLogProbs, float[][] refLogProbs,
                                       float[][] perTokenAdvantages, float[][] returns, float[][] values, float[][] isWeights) {
        Map<String, INDArray> feed = new HashMap<>();
        PolicyGraph graph = policy.graph();
        feed.put(graph.inputIds(), tensors.inputIds(rows));
        feed.put(TokenLogProbs.TARGET_IDS, tensors.targetIds(rows));
        INDArray responseMask = tensors.responseMask(rows);
        feed.put(RlInputs.RESPONSE_MASK, tensors.lossMask(rows));
        feed.putAll(KeptLogits.feed(responseMask)); // log-probs at response tokens only: no [rows, width, vocab] arrays
        responseMask.close();
        if (isWeights != null) {
            feed.put(RlInputs.IS_WEIGHTS, tensors.place(isWeights, rows));
        }
        feed.put(RlInputs.OLD_LOGPROBS, tensors.place(oldLogProbs, rows));
        feed.put(RlInputs.ADVANTAGES, tensors.place(perTokenAdvantages, rows));
        if (config.loss().klCoefficient() > 0) {
            feed.put(RlInputs.REF_LOGPROBS, tensors.place(refLogProbs, rows));
        }
        if (returns != null) {
            feed.put(RlInputs.RETURNS, tensors.place(returns, rows));
            feed.put(RlInputs.OLD_VALUES, tensors.place(values, rows));
        }
        return feed;
    }

    /** The flattened loss gradient on one group's rows with the given advantages (nothing applied). */
    private INDArray groupGradient(int group, float[][] perTokenAdvantages, RolloutTensors tensors, float[][] oldLogProbs,
                                   float[][] refLogProbs, float[][] values) {
        int g = config.sampling().groupSize();
        int[] rows = RolloutTensors.range(group * g, group * g + g);
        // The shared value loss needs some returns; the probe reads the policy's terms (a separate critic's are not in the graph).
        float[][] returns = estimator.needsCritic() && critic == null ? values : null;
        float[][] ones = objectiveWeighted() ? ones(tensors) : null; // the probe measures the plain policy gradient
        Map<String, INDArray> feed = feed(rows, tensors, oldLogProbs, refLogProbs, perTokenAdvantages, returns, values, ones);
        if (config.loss().covariance().enabled()) {
            feed.put(io.dl4jrl.graphs.rl.CovarianceControl.SELECTED, tensors.place(zeros(tensors), rows)); // no token selected: the plain gradient
        }
        return GradientVarianceProbe.flatten(gradientStep.gradients(feed));
    }

    /** Runs {@code output} of {@code graph} over the rollouts in chunks and reads it back per response token. */
    private float[][] perTokenOutput(PolicyGraph graph, String output, RolloutTensors tensors) {
        return perTokenOutputs(graph, List.of(output), tensors).get(output);
    }

    /**
     * Runs the {@code outputs} of {@code graph} over the rollouts in chunks of a micro-batch (inference: no gradient
     * state) and reads them back per response token; each chunk's arrays are freed as soon as they are read.
     */
    private Map<String, float[][]> perTokenOutputs(PolicyGraph graph, List<String> outputs, RolloutTensors tensors) {
        return perTokenOutputs(graph, outputs, tensors, RolloutTensors.range(0, tensors.rows()));
    }

    /** {@link #perTokenOutputs(PolicyGraph, List, RolloutTensors)} of the given rows only (the others stay null). */
    private Map<String, float[][]> perTokenOutputs(PolicyGraph graph, List<String> outputs, RolloutTensors tensors, int[] selection) {
        Map<String, float[][]> out = new LinkedHashMap<>();
        for (String o : outputs) {
            out.put(o, new float[tensors.rows()][]);
        }
        int chunk = config.optimization().microBatchSize(); // inference holds as much as a training pass at most
        for (int from = 0; from < selection.length; from += chunk) {
            int[] rows = java.util.Arrays.copyOfRange(selection, from, Math.min(selection.length, from + chunk));
            Map<String, INDArray> feed = new HashMap<>();
            feed.put(graph.inputIds(), tensors.inputIds(rows));
            if (outputs.contains(TokenLogProbs.TOKEN_LOGPROBS) || outputs.contains(EntropyBonus.TOKEN_ENTROPY)) {
                feed.put(TokenLogProbs.TARGET_IDS, tensors.targetIds(rows));
                INDArray responseMask = tensors.responseMask(rows);
                feed.putAll(KeptLogits.feed(responseMask));
                responseMask.close();
            }
            Map<String, INDArray> results = GradientPass.outputs(graph.sameDiff(), feed, outputs);
            for (String o : outputs) {
                tensors.gather(results.get(o), rows, out.get(o));
            }
            NativeArrays.close(results.values());
            NativeArrays.close(feed.values());
            collector.afterWork();
        }
        return out;
    }

    private static double maskedMean(float[][] perToken) {
        double sum = 0;
        long n = 0;
        for (float[] row : perToken) {
            for (float v : row) {
                sum += v;
            }
            n += row.length;
        }
        return n == 0 ? 0 : sum / n;
    }

    /** Consecutive slices of at most {@code size} rows. */
    static List<int[]> microBatches(int[] rows, int size) {
        List<int[]> parts = new ArrayList<>();
        for (int from = 0; from < rows.length; from += size) {
            parts.add(java.util.Arrays.copyOfRange(rows, from, Math.min(rows.length, from + size)));
        }
        return parts;
    }

    /** Response tokens of the rows that the loss counts (a masked-out truncated row counts none). */
    private static long responseTokens(int[] rows, RolloutTensors tensors) {
        long t = 0;
        for (int r : rows) {
            t += tensors.trained(r) ? tensors.lengths()[r] : 0;
        }
        return t;
    }

    /**
     * Clip-Cov / KL-Cov's selected tokens of a mini-batch (rows outside it all 0), from the log-probs of the policy as it is
     * now (one inference pass over the mini-batch), or null when the run has no covariance control.
     */
    private float[][] covarianceSelection(int[] rows, RolloutTensors tensors, float[][] oldLogProbs, float[][] perTokenAdvantages,
                                          long seedBase, int step) {
        io.dl4jrl.graphs.rl.CovarianceControl cov = config.loss().covariance();
        if (!cov.enabled()) {
            return null;
        }
        float[][] current = perTokenOutputs(policy.graph(), List.of(TokenLogProbs.TOKEN_LOGPROBS), tensors, rows).get(TokenLogProbs.TOKEN_LOGPROBS);
        float[][] lp = new float[rows.length][];
        float[][] old = new float[rows.length][];
        float[][] adv = new float[rows.length][];
        boolean[] trained = new boolean[rows.length];
        for (int k = 0; k < rows.length; k++) {
            lp[k] = current[rows[k]];
            old[k] = oldLogProbs[rows[k]];
            adv[k] = perTokenAdvantages[rows[k]];
            trained[k] = tensors.trained(rows[k]);
        }
        float[][] picked = cov.select(lp, old, adv, trained, config.loss().clipEpsilon(), config.loss().clipEpsilonHighOrLow(),
                new SplittableRandom(seedBase ^ (0x632BE59BD9B4E019L * (step + 1))));
        float[][] out = zeros(tensors);
        for (int k = 0; k < rows.length; k++) {
            out[rows[k]] = picked[k];
        }
        return out;
    }

    private static long count(float[][] selected) {
        long c = 0;
        for (float[] row : selected) {
            for (float v : row) {
                c += v > 0 ? 1 : 0;
            }
        }
        return c;
    }

    private boolean objectiveWeighted() {
        return config.loss().offPolicyCorrection() != OffPolicyCorrection.NONE;
    }

    private static float[][] ones(RolloutTensors tensors) {
        float[][] o = zeros(tensors);
        for (float[] row : o) {
            java.util.Arrays.fill(row, 1f);
        }
        return o;
    }

    /**
     * One round of sampling: {@code groups} starts from the rollout source, {@code groupSize} responses to each, scored by
     * the reward function and the task's checker.
     */
    private Rollouts sampleRound(List<Problem> train, int groups, SamplingConfig sampling, SplittableRandom random) {
        int g = config.sampling().groupSize();
        List<Problem> problems = new ArrayList<>();
        List<int[]> prompts = new ArrayList<>();
        List<int[]> problemPrompts = new ArrayList<>();
        List<RetrospectiveReplay.Start> starts = new ArrayList<>();
        for (RetrospectiveReplay.Start start : source.starts(iteration, groups, train, random)) {
            int[] problemPrompt = tokenizer.encode(format.prompt(start.problem()));
            // A group continuing a stored prefix has it as part of the prompt, so only the continuation is trained on.
            int[] prompt = TokenIds.concat(problemPrompt, start.prefix());
            for (int j = 0; j < g; j++) {
                problems.add(start.problem());
                prompts.add(prompt);
                problemPrompts.add(problemPrompt);
                starts.add(start);
            }
        }
        SampleBatch batch = engine.sample(policy, policyVersion(), prompts, sampling, random.nextLong());
        int n = batch.size();
        int[][] fullResponses = new int[n][]; // a continued row's stored prefix + its continuation: the answer as scored
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fullResponses[i] = TokenIds.concat(starts.get(i).prefix(), batch.responses()[i]);
            texts.add(tokenizer.decode(fullResponses[i]));
        }
        double[] outcomes = reward.scoreAll(problems, texts);
        double[] correctness01 = new double[n];
        for (int i = 0; i < n; i++) {
            correctness01[i] = correctness.score(problems.get(i), texts.get(i));
        }
        return new Rollouts(iteration, g, problems, starts, problemPrompts, prompts, batch, fullResponses, texts, outcomes, correctness01);
    }

    private static float[][] zeros(RolloutTensors tensors) {
        float[][] z = new float[tensors.rows()][];
        for (int i = 0; i < z.length; i++) {
            z[i] = new float[tensors.lengths()[i]];
        }
        return z;
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = RolloutTensors.range(0, n);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return x.length == 0 ? 0 : s / x.length;
    }

    private static double fractionTruncated(SampleBatch b) {
        int t = 0;
        for (boolean f : b.finished()) {
            t += f ? 0 : 1;
        }
        return (double) t / b.size();
    }

    /** The run as its plug-ins see it. */
    private final class Run implements RlRun {
        @Override
        public CausalLm policy() {
            return policy;
        }

        @Override
        public Tokenizer tokenizer() {
            return tokenizer;
        }

        @Override
        public PromptFormat format() {
            return format;
        }

        @Override
        public RewardFunction reward() {
            return reward;
        }

        @Override
        public RlConfig config() {
            return config;
        }

        @Override
        public io.dl4jrl.graphs.PolicyGraph valueGraph() {
            return critic != null ? critic.graph() : policy.graph();
        }

        @Override
        public List<Problem> diagnosticProblems() {
            return diagnosticProblems;
        }

        @Override
        public PolicyRollouts rollouts(List<Problem> problems, double temperature, double topP, long seed) {
            return RlTrainer.this.rollouts(problems, temperature, topP, seed);
        }
    }
}
