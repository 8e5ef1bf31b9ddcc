package io.dl4jrl.cli;

import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.train.OpTimeListener;
import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.sampling.Sampler;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.task.ArithmeticTask;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.SftBatch;
import io.dl4jrl.train.SftConfig;
import io.dl4jrl.train.SftTrainer;
import io.dl4jrl.train.StepMetrics;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Throughput of sampling and training for two model sizes, with the model FLOPs per token and the
 * achieved GFLOP/s beside this machine's ND4J GEMM GFLOP/s measured in the same run, and where the time of one
 * RL iteration goes (sampling, scoring, update) for GRPO and PPO.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Sampling and training throughput, model FLOPs and achieved GFLOP/s vs this machine's GEMM peak, "
                + "and the time split of one GRPO, PPO and VinePPO iteration.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--knn-sizes", split = ",", description = "stored embeddings for the kNN benchmark (default: 10000,100000)")
    List<Integer> knnSizes = List.of(10_000, 100_000);
    @Option(names = "--sizes", split = ",", description = "model sizes as dModel x layers (default: 128x4,256x6)")
    List<String> sizes = List.of("128x4", "256x6");
    @Option(names = "--arch", description = "gpt2 (the built-in policy) or llama: RMSNorm, rotary positions, SwiGLU with "
            + "hidden 8/3 d_model, grouped-query attention with half as many key/value heads (default: ${DEFAULT-VALUE})")
    String arch = "gpt2";
    @Option(names = "--heads", description = "attention heads (default: 4 for gpt2, d_model / 64 for llama)")
    Integer heads;
    @Option(names = "--kv-heads", description = "key/value heads of a llama model (default: half the heads)")
    Integer kvHeads;
    @Option(names = "--mlp", description = "MLP hidden width (default: 4 d_model for gpt2, 8/3 d_model rounded to 32 for llama)")
    Integer mlp;
    @Option(names = "--vocab", description = "vocabulary size of the random model, e.g. 50257 (GPT-2) or 151936 (Qwen2); "
            + "ids past the character vocabulary decode to a placeholder (default: the character vocabulary)")
    Integer vocab;
    @Option(names = "--tie-embeddings", arity = "1", description = "LM head tied to the token embedding (default: true for gpt2, false for llama)")
    Boolean tieEmbeddings;
    @Option(names = "--context", description = "context length of the random model (default: ${DEFAULT-VALUE})")
    int context = 256;
    @Option(names = "--sections", split = ",", description = "what runs: gemm, knn, sample, train, rl (default: all)")
    List<String> sections = List.of("gemm", "knn", "sample", "train", "rl");
    @Option(names = "--train-batch", description = "sequences per training step (default: ${DEFAULT-VALUE})")
    int trainBatch = 32;
    @Option(names = "--micro-batch", description = "sequences per forward/backward pass in training and RL, gradients accumulated "
            + "(default: the whole batch)")
    Integer microBatch;
    @Option(names = "--rl-algorithms", split = ",", description = "RL iterations timed (default: grpo,ppo,vineppo)")
    List<String> rlAlgorithms = List.of("grpo", "ppo", "vineppo");
    @Option(names = "--new-tokens", description = "tokens generated per sequence (default: ${DEFAULT-VALUE})")
    int newTokens = 64;
    @Option(names = "--kv-off", arity = "1", description = "also time sampling without the KV cache (every step recomputes the "
            + "prefix; minutes at GPT-2-small) (default: ${DEFAULT-VALUE})")
    boolean kvOff = true;
    @Option(names = "--train-steps", description = "timed training steps per size (default: ${DEFAULT-VALUE})")
    int trainSteps = 8;
    @Option(names = "--rl-new-tokens", description = "response budget of the RL iterations (default: ${DEFAULT-VALUE}, as the PyTorch twin)")
    int rlNewTokens = 64;
    @Option(names = "--op-profile", description = "after the train section, print the N op types that took longest in its "
            + "timed steps and the time between ops (default: 0, none)")
    int opProfile = 0;
    @Option(names = "--rl-prompts", description = "prompts per RL iteration (default: ${DEFAULT-VALUE}, as the PyTorch twin)")
    int rlPrompts = 8;
    @Option(names = "--rl-group", description = "responses per prompt in the RL iterations (default: ${DEFAULT-VALUE})")
    int rlGroup = 8;
    @Option(names = "--rl-iterations", description = "timed RL iterations per algorithm and size (default: ${DEFAULT-VALUE})")
    int rlIterations = 2;
    @Option(names = "--rl-warmup", description = "untimed RL iterations first (default: ${DEFAULT-VALUE})")
    int rlWarmup = 1;
    @Option(names = "--out", description = "CSV of the results (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "bench", "bench.csv");

    @picocli.CommandLine.Mixin
    PolicySource source = new PolicySource();
    private io.dl4jrl.text.Tokenizer tokenizer = new CharTokenizer();
    private final List<String> rows = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        for (String section : sections) {
            if (!List.of("gemm", "knn", "sample", "train", "rl").contains(section)) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--sections: unknown section '" + section + "'; use gemm, knn, sample, train, rl");
            }
        }
        double peak = 0;
        if (sections.contains("gemm")) {
            System.out.println("ND4J GEMM (float32, square n x n):");
            for (int n : new int[]{256, 512, 1024}) {
                double g = gemmGflops(n);
                peak = Math.max(peak, g);
                System.out.printf(Locale.ROOT, "  n=%4d  %7.1f GFLOP/s%n", n, g);
                rows.add(String.format(Locale.ROOT, "gemm,n=%d,,,%.2f,", n, g));
            }
        }
        if (sections.contains("knn")) {
            benchKnn();
        }
        if (vocab != null && !source.hasModel()) {
            tokenizer = new WideVocabularyTokenizer(tokenizer, vocab);
        }
        List<Problem> problems = new ArrayList<>(new ArithmeticTask(List.of(1), Math.max(256, trainBatch * (trainSteps + 2)), 0, 7).train());
        if (source.hasModel()) { // a pretrained model instead of the random sizes
            tokenizer = source.tokenizer();
            TransformerPolicy model = source.loadModel();
            PolicySource.checkVocabulary(model, tokenizer);
            benchModel(model, problems, peak);
            sizes = List.of();
        }
        for (String size : sizes) {
            String[] p = size.toLowerCase(Locale.ROOT).split("x");
            int d = Integer.parseInt(p[0]);
            TransformerConfig.Builder b = TransformerConfig.builder().vocabSize(tokenizer.vocabSize()).contextLength(context)
                    .dModel(d).nLayers(Integer.parseInt(p[1]));
            TransformerConfig config = switch (arch) {
                case "gpt2" -> {
                    int h = heads != null ? heads : 4;
                    b.nHeads(h).tieEmbeddings(tieEmbeddings == null || tieEmbeddings);
                    if (mlp != null) {
                        if (mlp % d != 0) {
                            throw new IllegalArgumentException("--mlp must be a multiple of d_model " + d + " for gpt2, got " + mlp);
                        }
                        b.mlpRatio(mlp / d);
                    }
                    yield b.build();
                }
                case "llama" -> {
                    int h = heads != null ? heads : Math.max(1, d / 64);
                    yield b.architecture(io.dl4jrl.graphs.Architecture.LLAMA).nHeads(h).nKvHeads(kvHeads != null ? kvHeads : Math.max(1, h / 2))
                            .mlpHidden(mlp != null ? mlp : (8 * d / 3 + 31) / 32 * 32).layerNormEpsilon(1e-5)
                            .tieEmbeddings(tieEmbeddings != null && tieEmbeddings).build();
                }
                default -> throw new IllegalArgumentException("--arch must be gpt2 or llama, got '" + arch + "'");
            };
            PeakRss.reset();
            benchModel(new TransformerPolicy(config), problems, peak);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, prepend("measure,setting,tokens,seconds,gflops_or_tokens_per_s,flops_per_token", rows));
        System.out.println("wrote " + out);
        return 0;
    }

    private void benchModel(TransformerPolicy policy, List<Problem> problems, double peak) throws IOException {
        TransformerConfig config = policy.config();
        int promptLength = tokenizer.encode(PromptFormat.DEFAULT.prompt(problems.get(0))).length;
        int meanContext = promptLength + newTokens / 2;
        long flopsPerToken = config.forwardFlopsPerToken(meanContext);
        System.out.printf(Locale.ROOT, "%n%s model d_model=%d layers=%d heads=%d: %,d parameters, %.2f MFLOP/token forward at context %d%n",
                config.architecture(), config.dModel(), config.nLayers(), config.nHeads(), config.parameterCount(), flopsPerToken / 1e6, meanContext);
        System.out.printf(Locale.ROOT, "  peak RSS after building the model: %,d MB%n", PeakRss.peakMb());
        if (sections.contains("sample")) {
            benchSampling(policy, problems, promptLength, flopsPerToken);
        }
        if (sections.contains("train")) {
            benchTraining(policy, problems, promptLength, peak);
        }
        if (sections.contains("rl")) {
            for (String algorithm : rlAlgorithms) {
                benchRlIteration(policy, algorithm, problems);
            }
        }
    }

    private void benchSampling(TransformerPolicy policy, List<Problem> problems, int promptLength, long flopsPerToken) {
        TransformerConfig config = policy.config();
        PeakRss.reset();
        Sampler sampler = new Sampler(tokenizer);
        for (int batch : new int[]{16, 64}) {
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                prompts.add(ofLength(tokenizer.encode(PromptFormat.DEFAULT.prompt(problems.get(i % problems.size()))), promptLength));
            }
            for (boolean cache : kvOff ? new boolean[]{true, false} : new boolean[]{true}) {
                SamplingConfig sc = SamplingConfig.builder().maxNewTokens(cache ? newTokens : newTokens / 4).temperature(1.0)
                        .useKvCache(cache).maxBatchSize(batch).build();
                // Warm-up: with the cache, the timed run itself once, so that the figure is the steady state an RL run
                // samples at. Why: the JVM compiles ND4J's per-op Java path only after many thousands of ops; after a
                // 4-prompt warm-up batch 64 at gpt2 256x6 took 3.3-3.6 s, after three full runs 2.8 s (the twin, in Python,
                // has nothing to warm). Without the cache a short one: each step is a whole forward pass.
                sampler.sample(policy, cache ? prompts : prompts.subList(0, Math.min(4, batch)),
                        cache ? sc : sc.toBuilder().maxNewTokens(4).build(), 0);
                long start = System.nanoTime();
                SampleBatch s = sampler.sample(policy, prompts, sc, 1);
                double seconds = (System.nanoTime() - start) / 1e9;
                double tps = s.totalResponseTokens() / seconds;
                // Without the cache every step recomputes the whole prefix: count the FLOPs actually spent.
                double gflops = (cache ? tps * flopsPerToken : tps * flopsPerToken * (promptLength + sc.maxNewTokens() / 2.0)) / 1e9;
                System.out.printf(Locale.ROOT, "  sample  batch %2d  kv-cache %-3s  %8.0f tokens/s  %6.2f GFLOP/s  (%d tokens, %.2f s%s)%n",
                        batch, cache ? "on" : "off", tps, gflops, s.totalResponseTokens(), seconds,
                        cache ? "" : ", " + sc.maxNewTokens() + " new tokens");
                rows.add(String.format(Locale.ROOT, "sample,d%d-L%d-b%d-%s,%d,%.4f,%.1f,%d", config.dModel(), config.nLayers(), batch,
                        cache ? "cache" : "nocache", s.totalResponseTokens(), seconds, tps, flopsPerToken));
            }
        }
        System.out.printf(Locale.ROOT, "  peak RSS of sampling: %,d MB%n", PeakRss.peakMb());
    }

    /**
     * The prompt cut from the front, or left-filled with its own first token, to {@code length} tokens. Why: every prompt
     * of a batch is then as long as the first, as in the PyTorch twin (docs/performance.md), where ragged task prompts padded
     * to the longest (up to 79 tokens against 61 at level 1) made each step attend over more columns than the twin's.
     */
    private static int[] ofLength(int[] prompt, int length) {
        int[] out = new int[length];
        int copy = Math.min(length, prompt.length);
        System.arraycopy(prompt, prompt.length - copy, out, length - copy, copy);
        java.util.Arrays.fill(out, 0, length - copy, prompt[0]);
        return out;
    }

    private void benchTraining(TransformerPolicy policy, List<Problem> problems, int promptLength, double peak) {
        TransformerConfig config = policy.config();
        PeakRss.reset();
        SftConfig.Builder sb = SftConfig.builder().steps(trainSteps + 2).warmupSteps(1).batchSize(trainBatch).evalEvery(0).evalProblems(1);
        if (microBatch != null) {
            sb.microBatchSize(microBatch);
        }
        SftTrainer trainer = new SftTrainer(policy, tokenizer, PromptFormat.DEFAULT, sb.build());
        OpTimeListener ops = new OpTimeListener();
        if (opProfile > 0) {
            policy.graph().sameDiff().addListeners(ops);
        }
        List<Problem> data = problems.subList(0, trainBatch * (trainSteps + 2));
        long tokens = 0;
        double seconds = 0;
        long width = 0;
        long ownTokens = 0;
        for (int step = 0; step < trainSteps + 2; step++) {
            if (step == 2) {
                ops.reset();
            }
            SftBatch batch = SftBatch.of(data.subList(step * trainBatch, step * trainBatch + trainBatch), tokenizer, PromptFormat.DEFAULT,
                    config.contextLength());
            long start = System.nanoTime();
            trainer.trainStep(batch);
            if (step >= 2) {
                seconds += (System.nanoTime() - start) / 1e9;
                tokens += batch.inputIds().length(); // positions computed, padding included: the twin's T is its padded width
                ownTokens += batch.totalTokens();
                width = Math.max(width, batch.inputIds().size(1));
            }
        }
        double tps = tokens / seconds;
        long trainFlops = 3 * config.forwardFlopsPerToken(promptLength);
        String ofPeak = peak > 0 ? String.format(Locale.ROOT, "  (%.1f%% of GEMM peak %.1f)", 100 * tps * trainFlops / 1e9 / peak, peak) : "";
        System.out.printf(Locale.ROOT, "  train   batch %d x %d (%.1f own tokens a row)%s (forward+backward+Adam)  %8.0f tokens/s  %6.2f GFLOP/s%s  peak RSS %,d MB%n",
                trainBatch, width, (double) ownTokens / trainBatch / trainSteps, microBatch == null ? "" : " in micro-batches of " + microBatch, tps, tps * trainFlops / 1e9, ofPeak,
                PeakRss.peakMb());
        if (opProfile > 0) {
            List<org.nd4j.autodiff.listeners.Listener> others = new ArrayList<>(policy.graph().sameDiff().getListeners());
            others.remove(ops);
            policy.graph().sameDiff().setListeners(others);
            System.out.print(ops.report(opProfile, seconds));
        }
        rows.add(String.format(Locale.ROOT, "train,d%d-L%d-b%d,%d,%.4f,%.1f,%d", config.dModel(), config.nLayers(), trainBatch, tokens, seconds, tps, trainFlops));
    }

    /**
     * Time split of one RL iteration ({@code rlPrompts} prompts x {@code rlGroup} responses, default 8 x 8, {@code rlNewTokens} new tokens): sampling,
     * VinePPO's rollouts from intermediate states (K = 9 per distinct state), scoring (rewards, the policy's and
     * the reference's log-probs, values), update (one epoch of mini-batches of 32). The first {@code rlWarmup}
     * iterations are not timed.
     */
    private void benchRlIteration(TransformerPolicy policy, String algorithm, List<Problem> problems) {
        PeakRss.reset();
        RlConfig config = RlConfig.preset(algorithm).promptsPerIteration(rlPrompts).groupSize(rlGroup).epochs(1)
                .miniBatchSize(Math.min(32, rlPrompts * rlGroup))
                .microBatchSize(microBatch == null ? 0 : microBatch)
                .maxNewTokens(rlNewTokens).iterations(rlWarmup + rlIterations).evalEvery(0).build();
        RlTrainer trainer = new RlTrainer(policy, tokenizer, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        double sampling = 0;
        double vine = 0;
        double states = 0;
        double scoring = 0;
        double update = 0;
        double tokens = 0;
        for (int i = 0; i < rlWarmup + rlIterations; i++) {
            StepMetrics m = trainer.iterate(problems);
            if (i >= rlWarmup) {
                sampling += m.get("time_sampling_s");
                vine += m.values().getOrDefault("time_vine_rollouts_s", 0.0);
                states += m.values().getOrDefault("vine_distinct_states", 0.0);
                scoring += m.get("time_scoring_s");
                update += m.get("time_update_s");
                tokens += m.get("response_length") * config.batchSize();
            }
        }
        double total = sampling + vine + scoring + update;
        String vinePart = vine == 0 ? "" : String.format(Locale.ROOT, "vine rollouts %.2f s (%.0f%%, %.0f states x K %d), ",
                vine / rlIterations, 100 * vine / total, states / rlIterations, config.vine().rollouts());
        System.out.printf(Locale.ROOT, "  rl %-7s  %d responses/iteration  %.2f s/iteration: sampling %.2f s (%.0f%%), %sscoring %.2f s (%.0f%%), update %.2f s (%.0f%%)  %.0f response tokens/s  peak RSS %,d MB%n",
                algorithm, config.batchSize(), total / rlIterations, sampling / rlIterations, 100 * sampling / total, vinePart,
                scoring / rlIterations, 100 * scoring / total, update / rlIterations, 100 * update / total, tokens / total, PeakRss.peakMb());
        if (vine > 0) {
            rows.add(String.format(Locale.ROOT, "rl-%s,d%d-L%d-vine-rollouts,%.0f,%.4f,,", algorithm, policy.config().dModel(), policy.config().nLayers(), tokens, vine / rlIterations));
        }
        rows.add(String.format(Locale.ROOT, "rl-%s,d%d-L%d-sampling,%.0f,%.4f,,", algorithm, policy.config().dModel(), policy.config().nLayers(), tokens, sampling / rlIterations));
        rows.add(String.format(Locale.ROOT, "rl-%s,d%d-L%d-scoring,%.0f,%.4f,,", algorithm, policy.config().dModel(), policy.config().nLayers(), tokens, scoring / rlIterations));
        rows.add(String.format(Locale.ROOT, "rl-%s,d%d-L%d-update,%.0f,%.4f,,", algorithm, policy.config().dModel(), policy.config().nLayers(), tokens, update / rlIterations));
    }

    /** Memory-R+'s retrieval: exact cosine kNN of a batch of 64 queries over 10k and 100k stored embeddings of width 256. */
    private void benchKnn() {
        System.out.println("episodic-memory kNN (cosine, exact, width 256, batch 64, k 1):");
        for (int stored : knnSizes) {
            io.dl4jrl.memory.CosineKnn knn = new io.dl4jrl.memory.CosineKnn(Nd4j.rand(DataType.FLOAT, stored, 256));
            INDArray queries = Nd4j.rand(DataType.FLOAT, 64, 256);
            knn.query(queries, 1); // warm-up
            int reps = 5;
            long start = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                knn.query(queries, 1);
            }
            double ms = (System.nanoTime() - start) / 1e6 / reps;
            System.out.printf(Locale.ROOT, "  %,8d stored  %8.2f ms per batch of 64 queries%n", stored, ms);
            rows.add(String.format(Locale.ROOT, "knn,n=%d-d256-b64,,%.5f,,", stored, ms / 1e3));
        }
    }

    /**
     * GEMM through libnd4j's matmul op, the one SameDiff graphs and the KV decoders run. (M2.1's {@code INDArray.mmul}
     * goes another way and reached half of it here: 50 vs 93 GFLOP/s at n = 1024.)
     */
    private static double gemmGflops(int n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        for (int i = 0; i < 3; i++) {
            Nd4j.matmul(a, b).close();
        }
        int reps = Math.max(3, (int) (4e9 / (2.0 * n * n * n)));
        long start = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            Nd4j.matmul(a, b).close();
        }
        return 2.0 * n * n * n * reps / ((System.nanoTime() - start) / 1e9) / 1e9;
    }

    private static List<String> prepend(String header, List<String> rows) {
        List<String> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        return all;
    }
}
