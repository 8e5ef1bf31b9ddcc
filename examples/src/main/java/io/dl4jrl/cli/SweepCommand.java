package io.dl4jrl.cli;

import io.dl4jrl.hyperparam.MetricScoreFunction;
import io.dl4jrl.hyperparam.RlConfigSpace;
import io.dl4jrl.hyperparam.RlSweep;
import io.dl4jrl.hyperparam.RlTaskCreator;
import io.dl4jrl.hyperparam.SearchSpaceSpec;
import io.dl4jrl.hyperparam.SweepConfig;
import io.dl4jrl.hyperparam.SweepPlot;
import io.dl4jrl.hyperparam.SweepReport;
import io.dl4jrl.hyperparam.TaskData;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.reward.WeightedReward;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlConfigJson;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.task.ReasoningTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Arbiter hyperparameter search over RL configurations from one shared start checkpoint. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Hyperparameter sweep with Arbiter: short RL runs from one checkpoint, scored on held-out accuracy "
                + "(or any metric); writes sweep.csv, sweep.png and best-config.json (for train --config).",
        footer = {"", "Example: sweep --init runs/main/sft/final.ckpt --space lr=loguniform:1e-5:1e-3 --space algorithm=grpo,rloo "
                + "--search random --candidates 8 --threads 2"})
final class SweepCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec; // parameter errors go to the caller's err writer
    @Option(names = "--init", description = "checkpoint every candidate starts from, usually an SFT one (or --model)")
    Path init;
    @picocli.CommandLine.Mixin
    PolicySource modelSource = new PolicySource();
    @Option(names = "--space", required = true, description = "a searched hyperparameter, repeatable: KEY=loguniform:LO:HI, "
            + "uniform:LO:HI, int:LO:HI, bool, or a list a,b,c. Keys: algorithm, opo, learningRate (lr), clipEpsilon, "
            + "klCoefficient, entropyCoefficient, groupSize, temperature, vineRollouts, exploitBonus, exploreBonus, replayFraction")
    List<String> spaces;
    @Option(names = "--config", description = "base RL configuration JSON (partial files are laid over their algorithm's preset)")
    Path configFile;
    @Option(names = "--algo", description = "base preset when no --config (default: grpo)")
    String algorithm;
    @Option(names = "--iterations", description = "RL iterations per candidate (default: ${DEFAULT-VALUE})")
    int iterations = 10;
    @Option(names = "--prompts", description = "prompts per iteration (default: the base's)") Integer prompts;
    @Option(names = "--group-size", description = "responses per prompt when not searched (default: the base's)") Integer groupSize;
    @Option(names = "--max-new-tokens", description = "response budget in tokens (default: the base's)") Integer maxNewTokens;
    @Option(names = "--eval-problems", description = "held-out problems scoring each candidate (default: ${DEFAULT-VALUE})")
    int evalProblems = 200;
    @Option(names = "--seed", description = "training seed of every candidate (default: the base's)") Long seed;

    @Option(names = "--search", description = "random or grid (default: ${DEFAULT-VALUE})")
    String search = "random";
    @Option(names = "--candidates", description = "candidates at most; 0 = the whole grid (default: ${DEFAULT-VALUE})")
    int candidates = 8;
    @Option(names = "--grid-points", description = "grid values per continuous hyperparameter (default: ${DEFAULT-VALUE})")
    int gridPoints = 3;
    @Option(names = "--max-minutes", description = "start no new candidate after this many minutes (default: no limit)")
    Double maxMinutes;
    @Option(names = "--threads", description = "candidates trained at once (default: ${DEFAULT-VALUE})")
    int threads = 1;
    @Option(names = "--sweep-seed", description = "random search seed (default: ${DEFAULT-VALUE})")
    long sweepSeed = 1;
    @Option(names = "--score", description = "metric scoring a candidate, phase/name or a training metric name (default: ${DEFAULT-VALUE})")
    String score = "eval/accuracy";
    @Option(names = "--score-aggregate", description = "last, mean, max or min of that metric over the run (default: ${DEFAULT-VALUE})")
    String aggregate = "last";
    @Option(names = "--minimize", description = "lower scores are better (e.g. --score kl_to_reference)")
    boolean minimize;
    @Option(names = "--keep-checkpoints", description = "write every candidate's trained policy")
    boolean keepCheckpoints;
    @Option(names = "--reward-model", description = "RLHF: a reward-model checkpoint as every candidate's reward")
    Path rewardModel;
    @Option(names = "--format-reward", description = "weight of the format reward added to correctness (default: ${DEFAULT-VALUE})")
    double formatReward = 0.0;
    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "sweep");
    @Mixin
    SparkOptions spark = new SparkOptions();
    @Mixin
    TaskOptions task = new TaskOptions();

    RlConfig base() throws IOException {
        if (configFile != null && algorithm != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --algo or --config, not both");
        }
        RlConfig.Builder b = configFile != null ? RlConfigJson.read(configFile).toBuilder()
                : RlConfig.preset(algorithm != null ? algorithm : "grpo");
        b.iterations(iterations).evalEvery(0).evalProblems(evalProblems);
        if (prompts != null) b.promptsPerIteration(prompts);
        if (groupSize != null) b.groupSize(groupSize);
        if (maxNewTokens != null) b.maxNewTokens(maxNewTokens);
        if (seed != null) b.seed(seed);
        RlConfig c = b.build();
        // OPO's single mini-batch must follow a changed batch size
        return c.algorithm().equals("opo") ? c.toBuilder().miniBatchSize(0).build() : c;
    }

    RlConfigSpace space(RlConfig base) {
        RlConfigSpace.Builder b = RlConfigSpace.builder(base);
        for (String s : spaces) {
            try {
                SearchSpaceSpec spec = SearchSpaceSpec.parse(s);
                b.add(spec.hyperparameter(), spec.space());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--space: " + e.getMessage());
            }
        }
        return b.build();
    }

    @Override
    public Integer call() throws Exception {
        RlConfig base = base();
        RlConfigSpace space = space(base);
        SweepConfig cfg = SweepConfig.builder().search(SweepConfig.Search.parse(search)).maxCandidates(candidates)
                .gridPoints(gridPoints).maxDuration(maxMinutes == null ? null : Duration.ofMillis(Math.round(maxMinutes * 60_000)))
                .threads(threads).seed(sweepSeed).keepCheckpoints(keepCheckpoints).build();
        MetricScoreFunction scoreFunction = new MetricScoreFunction(score, MetricScoreFunction.Aggregate.parse(aggregate), minimize);

        io.dl4jrl.policy.CausalLm start = modelSource.load(init, "--init");
        ReasoningTask t = task.load();
        io.dl4jrl.text.Tokenizer tokenizer = modelSource.tokenizer();
        PromptFormat format = modelSource.promptFormat();
        PolicySource.checkVocabulary(start, tokenizer);
        Supplier<RewardFunction> rewards = () -> {
            try {
                return rewardModel != null ? Scorers.rewardModel(rewardModel, tokenizer, format, 5.0) : WeightedReward.correctnessWithFormat(formatReward);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        long t0 = System.nanoTime();
        RlTaskCreator tasks = new RlTaskCreator(start, tokenizer, format, rewards, out).trainerSetup(trainer -> {
            try {
                spark.configure(trainer, modelSource.tokenizerHome());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Path csv = out.resolve("sweep.csv");
        SweepReport report;
        try (SparkOptions cluster = spark) {
            report = new RlSweep(space, cfg, scoreFunction).run(tasks, new TaskData(t), System.out, csv);
        }

        report.print(System.out);
        report.writeCsv(csv);
        Path png = out.resolve("sweep.png");
        SweepPlot.write(report, png, "sweep on " + t.name());
        var best = report.writeBestConfig(out.resolve("best-config.json"));
        System.out.printf(java.util.Locale.ROOT, "wrote %s, %s%s (%.0f s)%n", csv, png,
                best.map(p -> ", " + p + " (use: train --config " + p + " --init " + init + ")").orElse("; no candidate completed"),
                (System.nanoTime() - t0) / 1e9);
        return best.isPresent() ? 0 : 1;
    }
}
