package io.dl4jrl.rl;

import io.dl4jrl.graphs.rl.KlEstimator;
import io.dl4jrl.graphs.rl.LossAggregation;
import io.dl4jrl.memory.MemoryConfig;

import java.util.Objects;

/**
 * One RL run's settings, grouped: the {@link RlLoss loss}, the {@link RlOptimization optimization}, the
 * {@link RlSampling sampling}, the {@link RlEvaluation evaluation} and the {@link RlDiagnostics diagnostics}, and the
 * option blocks of the plug-ins ({@code vine}, {@code replay}, {@code memory}). PPO, GRPO, RLOO and REINFORCE++ are
 * presets of this record ({@link #ppo()}, {@link #grpo()}, ...), not separate trainers; every field can be changed on
 * their builders. Each group validates its own fields; this record checks what spans groups.
 *
 * @param algorithm          label for logs and checkpoints
 * @param advantageEstimator name in {@link AdvantageEstimators}
 * @param iterations         rollout-and-update iterations
 * @param seed               seed of prompt choice, sampling and mini-batch order
 * @param vine               Monte-Carlo value settings: VinePPO's K, rollout temperature, step segmentation and
 *                           cap; and the value-prediction diagnostics, which any run can turn on
 * @param replay             RRL retrospective replay of promising intermediate states (off by default)
 * @param memory             Memory-R+ episodic-memory intrinsic rewards added to the outcome (off by default)
 * @param overlong           DAPO's soft overlong punishment added to the outcome (off by default)
 */
public record RlConfig(String algorithm, String advantageEstimator, int iterations, long seed, RlLoss loss,
                       RlOptimization optimization, RlSampling sampling, RlEvaluation evaluation, RlDiagnostics diagnostics,
                       VineConfig vine, ReplayConfig replay, MemoryConfig memory, OverlongConfig overlong) implements java.io.Serializable {

    public RlConfig {
        Objects.requireNonNull(algorithm, "algorithm");
        boolean critic = AdvantageEstimators.needsCritic(advantageEstimator); // fails with the known names
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(optimization, "optimization");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(diagnostics, "diagnostics");
        Objects.requireNonNull(vine, "vine");
        Objects.requireNonNull(replay, "replay");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(overlong, "overlong");
        if (iterations <= 0) {
            throw new IllegalArgumentException("iterations must be positive, got " + iterations);
        }
        if (critic && !(loss.valueCoefficient() > 0)) {
            throw new IllegalArgumentException("advantage estimator '" + advantageEstimator + "' needs a critic: set valueCoefficient > 0");
        }
        if (!critic && loss.valueCoefficient() != 0) {
            throw new IllegalArgumentException("valueCoefficient must be 0 without a critic ('" + advantageEstimator + "' uses none)");
        }
        int warmup = optimization.criticWarmupIterations();
        if (warmup >= iterations) {
            throw new IllegalArgumentException("criticWarmupIterations must be in [0, iterations), got " + warmup);
        }
        if (!critic && optimization.separateCritic()) {
            throw new IllegalArgumentException("separateCritic needs an estimator with a critic ('" + advantageEstimator + "' uses none)");
        }
        if (!critic && warmup > 0) {
            throw new IllegalArgumentException("criticWarmupIterations needs a critic ('" + advantageEstimator + "' uses none)");
        }
        AdvantageEstimator declared = AdvantageEstimators.create(advantageEstimator);
        if (declared.exactlyOnPolicy() && (optimization.epochs() != 1 || optimization.miniBatchSize() < sampling.batchSize())) {
            throw new IllegalArgumentException("advantage estimator '" + advantageEstimator + "' trains exactly on-policy: one epoch (got "
                    + optimization.epochs() + ") and one mini-batch holding the whole batch of " + sampling.batchSize()
                    + " rollouts (got miniBatchSize " + optimization.miniBatchSize() + ")");
        }
        if (sampling.groupSize() < declared.minimumGroupSize()) {
            throw new IllegalArgumentException("advantage estimator '" + advantageEstimator + "' compares the responses of a group: groupSize must be"
                    + " at least " + declared.minimumGroupSize() + ", got " + sampling.groupSize() + " (every advantage would be 0)");
        }
        if (replay.enabled() && declared.needsRolloutContext()) {
            // Vine completions of a replayed row would be scored without the stored prefix; not supported yet.
            throw new IllegalArgumentException("replay runs on rollout-only estimators (ppo, grpo, rloo, ...), not on '"
                    + advantageEstimator + "'");
        }
    }

    /** Rollouts per iteration. */
    public int batchSize() {
        return sampling.batchSize();
    }

    /** PPO with a value head and GAE (γ 1, λ 0.95), clip 0.2, KL penalty in the reward. */
    public static Builder ppo() {
        return new Builder().algorithm("ppo").advantageEstimator("gae").valueCoefficient(0.5).klRewardCoefficient(0.02)
                .groupSize(4).epochs(2);
    }

    /** GRPO: group-normalised outcome advantages, no critic, KL to the reference as a loss term (k3). */
    public static Builder grpo() {
        return new Builder().algorithm("grpo").advantageEstimator("grpo").klCoefficient(0.02);
    }

    /** RLOO: leave-one-out baseline, no critic. */
    public static Builder rloo() {
        return new Builder().algorithm("rloo").advantageEstimator("rloo").klRewardCoefficient(0.0).klCoefficient(0.02);
    }

    /** REINFORCE++: KL in the reward, batch-normalised returns, PPO clip kept. */
    public static Builder reinforcePlusPlus() {
        return new Builder().algorithm("reinforce++").advantageEstimator("reinforce++").klRewardCoefficient(0.02);
    }

    /**
     * OPO: exactly on-policy (one gradient step per batch of fresh rollouts, so the ratio is 1 and nothing is
     * clipped), length-weighted optimal baseline, no KL, no entropy bonus. Changing prompts or group size
     * keeps the single mini-batch: {@link Builder#build} sizes it to the batch.
     */
    public static Builder opo() {
        return new Builder().algorithm("opo").advantageEstimator("opo").epochs(1).miniBatchSize(0).trackPolicyShift(true)
                .gradientVarianceEvery(5);
    }

    /**
     * VinePPO: PPO's clipped update with Monte-Carlo step values from K = 9 completions per state instead of a
     * value head; KL to the reference as a k3 loss term with the paper's coefficient 1e-4; 2 epochs.
     */
    public static Builder vineppo() {
        return new Builder().algorithm("vineppo").advantageEstimator("vineppo").klCoefficient(1e-4).groupSize(4).epochs(2);
    }

    /**
     * DAPO (Yu et al., 2025; docs/algorithms.md, "DAPO"): GRPO's group advantages with clip-higher (ε_low 0.2, ε_high
     * 0.28), the token-level loss, dynamic sampling (at most 3 draws per iteration), overlong filtering (truncated
     * responses masked out of the loss) and the soft overlong punishment over the last fifth of the budget; no KL.
     */
    public static Builder dapo() {
        return new Builder().algorithm("dapo").advantageEstimator("grpo").clipEpsilon(0.2).clipEpsilonHigh(0.28)
                .aggregation(LossAggregation.TOKEN_MEAN).dynamicSampling(true).maxSamplingRounds(3).maskTruncated(true)
                .overlong(new OverlongConfig(0.2, 1.0));
    }

    /**
     * GSPO (Zheng et al., 2025; docs/algorithms.md, "GSPO"): the length-normalised sequence ratio clipped per sequence
     * with the paper's bounds 3e-4 / 4e-4, the per-sequence mean, group advantages; no KL.
     */
    public static Builder gspo() {
        return new Builder().algorithm("gspo").advantageEstimator("grpo").policyLoss("gspo").clipEpsilon(3e-4).clipEpsilonHigh(4e-4)
                .aggregation(LossAggregation.SEQ_MEAN_TOKEN_MEAN);
    }

    /**
     * CISPO (MiniMax-M1, 2025; docs/algorithms.md, "CISPO"): the clipped, stop-gradient importance weight on the REINFORCE
     * gradient, no lower bound (ε_low 1), weights capped at 1 + ε_high = 3, token-level mean, group advantages; no KL.
     */
    public static Builder cispo() {
        return new Builder().algorithm("cispo").advantageEstimator("grpo").policyLoss("cispo").clipEpsilon(1.0).clipEpsilonHigh(2.0)
                .aggregation(LossAggregation.TOKEN_MEAN);
    }

    /** The names {@link #preset} knows. */
    public static final java.util.List<String> PRESETS = java.util.List.of("ppo", "grpo", "rloo", "reinforce++", "opo", "vineppo",
            "dapo", "gspo", "cispo");

    /** Preset by algorithm name: one of {@link #PRESETS}. */
    public static Builder preset(String algorithm) {
        return switch (algorithm) {
            case "ppo" -> ppo();
            case "grpo" -> grpo();
            case "rloo" -> rloo();
            case "reinforce++" -> reinforcePlusPlus();
            case "opo" -> opo();
            case "vineppo" -> vineppo();
            case "dapo" -> dapo();
            case "gspo" -> gspo();
            case "cispo" -> cispo();
            default -> throw new IllegalArgumentException("unknown algorithm '" + algorithm + "'; use " + String.join(", ", PRESETS));
        };
    }

    public Builder toBuilder() {
        return new Builder().algorithm(algorithm).advantageEstimator(advantageEstimator).policyLoss(loss.policyLoss())
                .clipEpsilon(loss.clipEpsilon()).clipEpsilonHigh(loss.clipEpsilonHigh()).dualClip(loss.dualClip()).aggregation(loss.aggregation()).constantLength(loss.constantLength())
                .klCoefficient(loss.klCoefficient()).klRewardCoefficient(loss.klRewardCoefficient()).klEstimator(loss.klEstimator())
                .entropyCoefficient(loss.entropyCoefficient()).valueCoefficient(loss.valueCoefficient()).valueClip(loss.valueClip())
                .maskTruncated(loss.maskTruncated()).offPolicyCorrection(loss.offPolicyCorrection()).offPolicyThreshold(loss.offPolicyThreshold())
                .covariance(loss.covariance())
                .dynamicSampling(sampling.dynamicSampling()).maxSamplingRounds(sampling.maxSamplingRounds())
                .criticWarmupIterations(optimization.criticWarmupIterations())
                .separateCritic(optimization.separateCritic()).criticLearningRate(optimization.criticLearningRate())
                .iterations(iterations).promptsPerIteration(sampling.promptsPerIteration()).groupSize(sampling.groupSize())
                .epochs(optimization.epochs()).miniBatchSize(optimization.miniBatchSize()).microBatchSize(optimization.microBatchSize())
                .learningRate(optimization.learningRate()).maxGradientNorm(optimization.maxGradientNorm())
                .temperature(sampling.temperature()).topP(sampling.topP()).maxNewTokens(sampling.maxNewTokens()).seed(seed)
                .evalEvery(evaluation.evalEvery()).evalProblems(evaluation.evalProblems()).trackPolicyShift(diagnostics.trackPolicyShift())
                .gradientVarianceEvery(diagnostics.gradientVarianceEvery()).vine(vine).replay(replay).memory(memory).overlong(overlong);
    }

    public static final class Builder {
        private String algorithm = "grpo";
        private String advantageEstimator = "grpo";
        private String policyLoss = "ppo-clip";
        private double clipEpsilon = 0.2;
        private double clipEpsilonHigh = 0;
        private boolean maskTruncated = false;
        private OffPolicyCorrection offPolicyCorrection = OffPolicyCorrection.NONE;
        private double offPolicyThreshold = 2.0;
        private io.dl4jrl.graphs.rl.CovarianceControl covariance = io.dl4jrl.graphs.rl.CovarianceControl.none();
        private boolean dynamicSampling = false;
        private int maxSamplingRounds = 3;
        private OverlongConfig overlong = OverlongConfig.off();
        private double dualClip = 0;
        private LossAggregation aggregation = LossAggregation.TOKEN_MEAN;
        private double constantLength = 0;
        private double klCoefficient = 0;
        private double klRewardCoefficient = 0;
        private KlEstimator klEstimator = KlEstimator.K3;
        private double entropyCoefficient = 0;
        private double valueCoefficient = 0;
        private double valueClip = 0.2;
        private int criticWarmupIterations = 0;
        private boolean separateCritic = false;
        private double criticLearningRate = 0;
        private int iterations = 30;
        private int promptsPerIteration = 16;
        private int groupSize = 8;
        private int epochs = 1;
        private int miniBatchSize = 32;
        private int microBatchSize = 0;
        private double learningRate = 5e-4;
        private double maxGradientNorm = 1.0;
        private double temperature = 1.0;
        private double topP = 1.0;
        private int maxNewTokens = 32;
        private long seed = 1;
        private int evalEvery = 5;
        private int evalProblems = 200;
        private boolean trackPolicyShift = false;
        private int gradientVarianceEvery = 0;
        private VineConfig vine = VineConfig.defaults();
        private ReplayConfig replay = ReplayConfig.off();
        private MemoryConfig memory = MemoryConfig.off();

        public Builder algorithm(String v) { algorithm = v; return this; }
        public Builder advantageEstimator(String v) { advantageEstimator = v; return this; }
        public Builder policyLoss(String v) { policyLoss = v; return this; }
        public Builder clipEpsilon(double v) { clipEpsilon = v; return this; }
        /** 0 (the default): the same as clipEpsilon. */
        public Builder clipEpsilonHigh(double v) { clipEpsilonHigh = v; return this; }
        public Builder maskTruncated(boolean v) { maskTruncated = v; return this; }
        public Builder offPolicyCorrection(OffPolicyCorrection v) { offPolicyCorrection = v; return this; }
        public Builder offPolicyThreshold(double v) { offPolicyThreshold = v; return this; }
        /** Clip-Cov or KL-Cov on the policy loss. */
        public Builder covariance(io.dl4jrl.graphs.rl.CovarianceControl v) { covariance = v; return this; }
        public Builder dynamicSampling(boolean v) { dynamicSampling = v; return this; }
        public Builder maxSamplingRounds(int v) { maxSamplingRounds = v; return this; }
        public Builder overlong(OverlongConfig v) { overlong = v; return this; }
        public Builder dualClip(double v) { dualClip = v; return this; }
        public Builder aggregation(LossAggregation v) { aggregation = v; return this; }
        public Builder constantLength(double v) { constantLength = v; return this; }
        public Builder klCoefficient(double v) { klCoefficient = v; return this; }
        public Builder klRewardCoefficient(double v) { klRewardCoefficient = v; return this; }
        public Builder klEstimator(KlEstimator v) { klEstimator = v; return this; }
        public Builder entropyCoefficient(double v) { entropyCoefficient = v; return this; }
        public Builder valueCoefficient(double v) { valueCoefficient = v; return this; }
        public Builder valueClip(double v) { valueClip = v; return this; }
        public Builder criticWarmupIterations(int v) { criticWarmupIterations = v; return this; }
        /** The critic as its own model (PPO's --critic separate) instead of a head on the policy's trunk. */
        public Builder separateCritic(boolean v) { separateCritic = v; return this; }
        /** 0 (the default): the policy's learning rate. */
        public Builder criticLearningRate(double v) { criticLearningRate = v; return this; }
        public Builder iterations(int v) { iterations = v; return this; }
        public Builder promptsPerIteration(int v) { promptsPerIteration = v; return this; }
        public Builder groupSize(int v) { groupSize = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder miniBatchSize(int v) { miniBatchSize = v; return this; }
        /** 0 (the default) = the mini-batch size. */
        public Builder microBatchSize(int v) { microBatchSize = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder maxGradientNorm(double v) { maxGradientNorm = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder maxNewTokens(int v) { maxNewTokens = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        public Builder evalProblems(int v) { evalProblems = v; return this; }
        public Builder trackPolicyShift(boolean v) { trackPolicyShift = v; return this; }
        public Builder gradientVarianceEvery(int v) { gradientVarianceEvery = v; return this; }
        public Builder vine(VineConfig v) { vine = v; return this; }
        public Builder replay(ReplayConfig v) { replay = v; return this; }
        public Builder memory(MemoryConfig v) { memory = v; return this; }

        public RlConfig build() {
            // miniBatchSize 0 means "the whole batch" (OPO's preset), resolved once prompts and group size are known.
            int miniBatch = miniBatchSize == 0 ? promptsPerIteration * groupSize : miniBatchSize;
            return new RlConfig(algorithm, advantageEstimator, iterations, seed,
                    new RlLoss(policyLoss, clipEpsilon, clipEpsilonHigh, dualClip, aggregation, constantLength, klCoefficient,
                            klRewardCoefficient, klEstimator, entropyCoefficient, valueCoefficient, valueClip, maskTruncated,
                            offPolicyCorrection, offPolicyThreshold, covariance),
                    new RlOptimization(learningRate, maxGradientNorm, epochs, miniBatch, Math.min(microBatchSize, miniBatch), criticWarmupIterations,
                            separateCritic, criticLearningRate),
                    new RlSampling(promptsPerIteration, groupSize, temperature, topP, maxNewTokens, dynamicSampling, maxSamplingRounds),
                    new RlEvaluation(evalEvery, evalProblems), new RlDiagnostics(trackPolicyShift, gradientVarianceEvery),
                    vine, replay, memory, overlong);
        }
    }
}
