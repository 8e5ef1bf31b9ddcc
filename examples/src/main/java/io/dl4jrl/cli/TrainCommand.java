package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.rl.KlEstimator;
import io.dl4jrl.graphs.rl.LossAggregation;
import io.dl4jrl.reward.WeightedReward;
import io.dl4jrl.memory.MemoryConfig;
import io.dl4jrl.rl.ReplayConfig;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlConfigJson;
import io.dl4jrl.task.ReasoningTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** RL fine-tuning from a checkpoint with one of the preset algorithms; every preset value can be overridden. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "RL fine-tuning (ppo, grpo, rloo, reinforce++, opo, vineppo) starting from a checkpoint, usually an SFT one.")
final class TrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec; // parameter errors go to the caller's err writer
    @Option(names = "--algo", description = "ppo, grpo, rloo, reinforce++, opo, vineppo, dapo, gspo or cispo (default: grpo)")
    String algorithm;
    @Option(names = "--config", description = "an RL configuration JSON, e.g. a sweep's best-config.json (partial files "
            + "are laid over their algorithm's preset); the options below override its fields")
    Path configFile;
    @Option(names = "--init", description = "checkpoint to start from, usually an SFT one (e.g. runs/main/sft/final.ckpt)")
    Path init;
    @Option(names = "--resume", description = "continue an interrupted RL run from one of its checkpoints (same settings)")
    Path resume;
    @Mixin
    PolicySource source = new PolicySource();
    @Mixin
    TaskOptions task = new TaskOptions();
    @Option(names = "--out", description = "output folder (default: runs/<algo>)")
    Path out;
    @Option(names = "--overwrite", description = "replace the earlier run in --out (its metrics, plot and checkpoints) instead of refusing")
    boolean overwrite;
    @Option(names = "--checkpoint-every", description = "iterations between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = 10;
    @Option(names = "--format-reward", description = "weight of the format reward added to correctness (default: ${DEFAULT-VALUE})")
    double formatReward = 0.0;

    @Option(names = "--reward-model", description = "RLHF: a trained reward-model checkpoint as the reward (normalised) instead of correctness")
    Path rewardModel;
    @Option(names = "--reward-clip", description = "RLHF: clip normalised learned rewards to +-c, 0 = off (default: ${DEFAULT-VALUE})")
    double rewardClip = 5.0;
    @Option(names = "--judge", description = "RLAIF: a policy checkpoint prompted as a judge (see the judge command) as the reward")
    Path judge;

    @Option(names = "--iterations", description = "rollout-and-update iterations (default: the preset's; grpo: 30)") Integer iterations;
    @Option(names = "--prompts", description = "prompts per iteration (default: the preset's; grpo: 16)") Integer prompts;
    @Option(names = "--group-size", description = "responses sampled per prompt, G (default: the preset's; grpo: 8)") Integer groupSize;
    @Option(names = "--epochs", description = "passes over each batch of rollouts (default: the preset's; grpo: 1, ppo: 2)") Integer epochs;
    @Option(names = "--mini-batch", description = "sequences per gradient step (default: the preset's; grpo: 32, opo: the whole batch)") Integer miniBatch;
    @Option(names = "--micro-batch", description = "sequences per forward/backward pass within a mini-batch; their "
            + "gradients are accumulated, so the step is the mini-batch's (default: the whole mini-batch)") Integer microBatch;
    @Option(names = "--lr", description = "Adam learning rate, constant (default: the preset's; grpo: 5e-4)") Double learningRate;
    @Option(names = "--clip", description = "clip range epsilon (the lower bound epsilon_low when --clip-high is set; default: the "
            + "preset's; 0.2, gspo: 3e-4, cispo: 1 = no lower bound)") Double clip;
    @Option(names = "--kl", description = "KL-to-reference loss coefficient (default: the preset's; grpo: 0.02, ppo: 0)") Double kl;
    @Option(names = "--kl-reward", description = "KL penalty coefficient in the reward (default: the preset's; ppo: 0.02, grpo: 0)") Double klReward;
    @Option(names = "--kl-estimator", description = "k1, k2 or k3 (default: k3)") String klEstimator;
    @Option(names = "--entropy", description = "entropy bonus coefficient (default: 0)") Double entropy;
    @Option(names = "--aggregation", description = "token-mean, seq-mean-token-sum, seq-mean-token-mean, seq-mean-token-sum-norm (default: token-mean)") String aggregation;
    @Option(names = "--critic", description = "PPO's critic: shared (a value head on the policy's trunk) or separate (its own model, a "
            + "copy of the start policy with its own Adam; warm-up leaves the policy untouched) (default: shared)") String critic;
    @Option(names = "--critic-lr", description = "learning rate of a separate critic (default: the policy's --lr)") Double criticLr;
    @Option(names = "--critic-warmup", description = "iterations without a policy-gradient step, training the critic (PPO; default: 0); "
            + "with the shared value head its loss still moves the trunk and so the policy: --critic separate keeps the policy fixed") Integer criticWarmup;
    @Option(names = "--temperature", description = "sampling temperature, > 0 (default: 1.0)") Double temperature;
    @Option(names = "--max-new-tokens", description = "response budget in tokens (default: 32)") Integer maxNewTokens;
    @Option(names = "--eval-every", description = "held-out evaluation every N iterations, 0 = only at the start and the end (default: 5)") Integer evalEvery;
    @Option(names = "--eval-problems", description = "held-out problems per evaluation (default: 200)") Integer evalProblems;
    @Option(names = "--seed", description = "seed of prompt choice, sampling and mini-batch order (default: 1)") Long seed;
    @Option(names = "--log-every", description = "also log iteration metrics through SLF4J (logger io.dl4jrl.train.metrics) every N iterations; 0 = off (default: ${DEFAULT-VALUE})")
    int logEvery = 0;
    @Mixin
    VineOptions vine = new VineOptions();
    @Mixin
    ReplayOptions replay = new ReplayOptions();
    @Mixin
    MemoryOptions memory = new MemoryOptions();
    @Mixin
    ClipAndSamplingOptions peers = new ClipAndSamplingOptions();
    @Mixin
    HealthOptions health = new HealthOptions();
    @Mixin
    SparkOptions spark = new SparkOptions();

    RlConfig config() throws java.io.IOException {
        if (configFile != null && algorithm != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give --algo or --config (whose 'algorithm' field chooses the preset), not both");
        }
        RlConfig base = configFile != null ? RlConfigJson.read(configFile) : null;
        RlConfig.Builder b = base != null ? base.toBuilder() : RlConfig.preset(algorithm != null ? algorithm : "grpo");
        if (iterations != null) b.iterations(iterations);
        if (prompts != null) b.promptsPerIteration(prompts);
        if (groupSize != null) b.groupSize(groupSize);
        if (epochs != null) b.epochs(epochs);
        if (miniBatch != null) {
            if (miniBatch <= 0) {
                throw new IllegalArgumentException("--mini-batch must be positive, got " + miniBatch);
            }
            b.miniBatchSize(miniBatch);
        }
        if (microBatch != null) b.microBatchSize(microBatch);
        if (learningRate != null) b.learningRate(learningRate);
        if (clip != null) b.clipEpsilon(clip);
        if (kl != null) b.klCoefficient(kl);
        if (klReward != null) b.klRewardCoefficient(klReward);
        if (klEstimator != null) b.klEstimator(KlEstimator.parse(klEstimator));
        if (entropy != null) b.entropyCoefficient(entropy);
        if (aggregation != null) b.aggregation(LossAggregation.parse(aggregation));
        if (temperature != null) b.temperature(temperature);
        if (criticWarmup != null) b.criticWarmupIterations(criticWarmup);
        if (critic != null) {
            switch (critic.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "shared" -> b.separateCritic(false);
                case "separate" -> b.separateCritic(true);
                default -> throw new IllegalArgumentException("--critic must be shared or separate, got '" + critic + "'");
            }
        }
        if (criticLr != null) b.criticLearningRate(criticLr);
        if (maxNewTokens != null) b.maxNewTokens(maxNewTokens);
        if (evalEvery != null) b.evalEvery(evalEvery);
        if (evalProblems != null) b.evalProblems(evalProblems);
        if (seed != null) b.seed(seed);
        b.vine(vine.config(task, base != null ? base.vine() : null));
        b.replay(replay.config(base != null ? base.replay() : ReplayConfig.off()));
        b.memory(memory.config(base != null ? base.memory() : MemoryConfig.off()));
        peers.apply(b, base != null ? base.overlong() : RlConfig.preset(algorithm != null ? algorithm : "grpo").build().overlong());
        return b.build();
    }

    /** Exit code of a run a health monitor stopped. */
    static final int HEALTH_STOPPED = 3;

    @Override
    public Integer call() throws Exception {
        if ((init != null ? 1 : 0) + (resume != null ? 1 : 0) + (source.hasModel() ? 1 : 0) != 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give exactly one of --init, --resume and --model");
        }
        if (!(formatReward >= 0) || Double.isInfinite(formatReward)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format-reward must be a finite weight >= 0, got " + formatReward);
        }
        RlConfig config = config();
        Path dir = out != null ? out : Path.of("runs", config.algorithm());
        RunFolder.claim(dir, resume != null, overwrite);
        Checkpoint from = source.hasModel() ? null : CheckpointStore.load(resume != null ? resume : init);
        io.dl4jrl.policy.CausalLm policy = source.hasModel() ? source.loadModel()
                : resume != null ? io.dl4jrl.rl.RlTrainer.startOf(from) : CheckpointStore.loadModel(from);
        Checkpoint resumeFrom = resume != null ? from : null;
        ReasoningTask t = task.load();
        if (rewardModel != null && judge != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give at most one of --reward-model and --judge");
        }
        io.dl4jrl.text.Tokenizer tokenizer = source.tokenizer();
        PolicySource.checkVocabulary(policy, tokenizer);
        io.dl4jrl.reward.RewardFunction reward = rewardModel != null ? Scorers.rewardModel(rewardModel, tokenizer, source.promptFormat(), rewardClip)
                : judge != null ? Scorers.judge(judge, tokenizer, source.promptFormat()) : WeightedReward.correctnessWithFormat(formatReward);
        io.dl4jrl.health.HealthMonitor monitor = health.monitor(dir, resumeFrom != null);
        java.util.List<io.dl4jrl.train.TrainingListener> extra = new java.util.ArrayList<>(java.util.List.of(Logs.every(logEvery)));
        if (monitor != null) {
            extra.add(monitor);
        }
        RlJob.Outcome o;
        try (SparkOptions cluster = spark) {
            o = RlJob.run(policy, tokenizer, source.promptFormat(), t, reward, config, dir, checkpointEvery, resumeFrom, System.out,
                    trainer -> {
                        cluster.configure(trainer, source.tokenizerHome());
                        io.dl4jrl.memory.ResponseEmbedder e = memory.embedder(tokenizer);
                        if (e != null) {
                            trainer.withEmbedder(e);
                        }
                    }, extra.toArray(new io.dl4jrl.train.TrainingListener[0]));
        }
        RlJob.report(config.algorithm(), o, System.out);
        if (monitor != null && !monitor.trips().isEmpty()) {
            System.out.println("health: " + monitor.status() + " (" + dir.resolve("health.json") + ")");
            monitor.trips().forEach(trip -> System.out.println("  " + trip.message()));
        }
        // A run the monitor stopped ended early on purpose: a distinct exit code tells scripts and sweeps.
        return monitor != null && monitor.stoppedBy().isPresent() ? HEALTH_STOPPED : 0;
    }
}
