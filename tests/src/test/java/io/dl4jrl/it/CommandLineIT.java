package io.dl4jrl.it;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.rl.RlConfigJson;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The command line end to end on a tiny model: sft writes its outputs, eval reads them, a run resumes. */
class CommandLineIT {
    @TempDir
    Path dir;

    static final String[] TINY = {"--d-model", "16", "--layers", "1", "--heads", "2", "--context", "96",
            "--train-size", "200", "--test-size", "20", "--eval-problems", "10", "--max-new-tokens", "12", "--warmup", "1"};

    private String run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        java.io.StringWriter err = new java.io.StringWriter();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int code;
        try {
            CommandLine cl = new CommandLine(new Main());
            cl.setErr(new java.io.PrintWriter(err, true));
            code = cl.execute(args);
        } finally {
            System.setOut(previous);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, "exit code of " + String.join(" ", args) + "\n" + out + "\n" + err);
        return out;
    }

    /** Runs a command that must fail; returns what it printed to stderr. */
    private static String refused(String... args) {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err, true));
        assertEquals(1, cl.execute(args), "exit code of " + String.join(" ", args));
        return err.toString();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(b, 0, all, 0, b.length);
        System.arraycopy(a, 0, all, b.length, a.length);
        return all;
    }

    @Test
    void sftWritesMetricsPlotAndCheckpointsThenEvalAndResumeUseThem() throws IOException {
        Path out = dir.resolve("sft");
        String printed = run(concat(TINY, "sft", "--steps", "6", "--eval-every", "3", "--checkpoint-every", "3", "--out", out.toString()));
        assertTrue(printed.contains("held-out greedy accuracy before SFT"), printed);
        assertTrue(printed.contains("held-out greedy accuracy after SFT"), printed);

        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals("step,phase,metric,value", csv.get(0));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("6,sft,loss,")));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("3,eval,accuracy,")));
        byte[] png = Files.readAllBytes(out.resolve("plot.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG file");
        assertTrue(Files.exists(out.resolve("checkpoints/sft-step-000003.ckpt")));
        Checkpoint last = CheckpointStore.load(out.resolve("final.ckpt"));
        assertEquals(6, last.step());

        String eval = run("eval", "--checkpoint", out.resolve("final.ckpt").toString(), "--train-size", "200", "--test-size", "20",
                "--problems", "8", "--max-new-tokens", "12", "--pass-k", "1,2", "--samples", "2");
        assertTrue(eval.contains("greedy accuracy") && eval.contains("pass@2"), eval);

        // The same --out again is refused (it holds a run), and replaced with --overwrite.
        ByteArrayOutputStream refusedErr = new ByteArrayOutputStream();
        PrintStream previousErr = System.err;
        int refused;
        try {
            System.setErr(new PrintStream(refusedErr, true, StandardCharsets.UTF_8));
            CommandLine cl = new CommandLine(new Main());
            cl.setErr(new java.io.PrintWriter(refusedErr, true));
            refused = cl.execute(concat(TINY, "sft", "--steps", "2", "--out", out.toString()));
        } finally {
            System.setErr(previousErr);
        }
        assertNotEquals(0, refused);
        assertTrue(refusedErr.toString(StandardCharsets.UTF_8).contains("holds an earlier run"), refusedErr.toString(StandardCharsets.UTF_8));
        assertEquals(6, CheckpointStore.load(out.resolve("final.ckpt")).step(), "the earlier run is untouched");

        // A resume on other data is refused, naming the split; on the same data it ends at step 6 again.
        String[] fewerProblems = TINY.clone();
        fewerProblems[java.util.Arrays.asList(TINY).indexOf("--train-size") + 1] = "150";
        String otherData = refused(concat(fewerProblems, "sft", "--steps", "6", "--eval-every", "3", "--out", dir.resolve("other").toString(),
                "--resume", out.resolve("checkpoints/sft-step-000003.ckpt").toString()));
        assertTrue(otherData.contains("was trained on other data") && otherData.contains("training items were 200, now 150"), otherData);
        Path resumed = dir.resolve("resumed");
        run(concat(TINY, "sft", "--steps", "6", "--eval-every", "3", "--out", resumed.toString(),
                "--resume", out.resolve("checkpoints/sft-step-000003.ckpt").toString()));
        assertEquals(6, CheckpointStore.load(resumed.resolve("final.ckpt")).step());
    }

    @Test
    void mainJobRunsSftThenVinePpo() {
        String printed = run(concat(TINY, "run", "--steps", "4", "--rl-iterations", "2", "--rl-prompts", "4", "--pass-k", "2",
                "--pass-k-problems", "5", "--out", dir.resolve("main").toString()));
        assertTrue(printed.contains("after SFT") && printed.contains("after vineppo"), printed);
        assertTrue(printed.contains("pass@k: 2 samples per problem at T 1 on the first 5") && printed.contains("pass@2"), printed);
        assertTrue(printed.contains("points from RL"), printed);
        assertTrue(Files.exists(dir.resolve("main/sft/final.ckpt")) && Files.exists(dir.resolve("main/vineppo/final.ckpt")));
        Path png = dir.resolve("compare.png");
        String compared = run("compare", "--metrics", "eval/accuracy,entropy", "--out", png.toString(),
                "a=" + dir.resolve("main/vineppo"), "b=" + dir.resolve("main/vineppo"));
        assertTrue(compared.contains("eval/accuracy") && compared.contains("entropy"), compared);
        assertTrue(Files.exists(png));
    }

    @Test
    void ppoTrainsResumesAndItsCheckpointEvaluates() throws IOException {
        Path sft = dir.resolve("sft");
        run(concat(TINY, "sft", "--steps", "3", "--out", sft.toString()));
        String[] rl = {"--train-size", "200", "--test-size", "20", "--eval-problems", "10", "--max-new-tokens", "8",
                "--prompts", "2", "--iterations", "3", "--checkpoint-every", "1"};
        Path ppo = dir.resolve("ppo");
        String printed = run(concat(rl, "train", "--algo", "ppo", "--init", sft.resolve("final.ckpt").toString(), "--out", ppo.toString()));
        assertTrue(printed.contains("after ppo"), printed);
        String[] otherTestSplit = rl.clone();
        otherTestSplit[3] = "30"; // --test-size
        String otherData = refused(concat(otherTestSplit, "train", "--algo", "ppo", "--resume",
                ppo.resolve("checkpoints/ppo-iter-000001.ckpt").toString(), "--out", dir.resolve("ppo-other").toString()));
        assertTrue(otherData.contains("checkpoint 'rl-ppo' at step 1 was trained on other data") && otherData.contains("held-out items were 20, now 30"),
                otherData);
        Path resumed = dir.resolve("ppo-resumed");
        printed = run(concat(rl, "train", "--algo", "ppo", "--resume", ppo.resolve("checkpoints/ppo-iter-000001.ckpt").toString(),
                "--out", resumed.toString()));
        assertTrue(printed.contains("resumed ppo at iteration 1"), printed);
        assertEquals(3, CheckpointStore.load(resumed.resolve("final.ckpt")).step());
        // A PPO checkpoint carries a value head and the reference policy; eval loads just the policy.
        String eval = run("eval", "--checkpoint", ppo.resolve("final.ckpt").toString(), "--train-size", "200", "--test-size", "20",
                "--problems", "4", "--max-new-tokens", "8");
        assertTrue(eval.contains("greedy accuracy"), eval);
        // The value-prediction diagnostics read the PPO checkpoint's value head.
        String values = run("values", "--checkpoint", ppo.resolve("final.ckpt").toString(), "--train-size", "200", "--test-size", "20",
                "--value-diagnostics-problems", "2", "--ground-truth-k", "2", "--vine-k", "1", "--max-new-tokens", "8");
        assertTrue(values.contains("Monte-Carlo, K=1") && values.contains("value head"), values);
    }

    @Test
    void memoryRPlusTrainsWithThePapersSentenceEncoder() throws IOException {
        Path sft = dir.resolve("sft");
        run(concat(TINY, "sft", "--steps", "3", "--out", sft.toString()));
        String[] rl = {"--train-size", "200", "--test-size", "20", "--eval-problems", "10", "--max-new-tokens", "8", "--prompts", "4",
                "--group-size", "2", "--iterations", "2", "--init", sft.resolve("final.ckpt").toString()};
        Path out = dir.resolve("memory-minilm");
        String printed = run(concat(rl, "train", "--memory", "--embedder", "minilm", "--out", out.toString()));
        assertTrue(printed.contains("after grpo"), printed);
        assertTrue(Files.readString(out.resolve("metrics.csv")).contains("memory_failure_keys"));
        assertTrue(refused(concat(rl, "train", "--embedder", "minilm", "--out", dir.resolve("no-memory").toString()))
                .contains("--embedder minilm embeds for Memory-R+; give --memory too"));
        assertTrue(refused(concat(rl, "train", "--memory", "--embedder", "bert", "--out", dir.resolve("bert").toString()))
                .contains("--embedder must be pooled-hidden or minilm, got 'bert'"));
    }

    @Test
    void trainOnSparkLocalReproducesTheInProcessRun() throws IOException {
        Path sft = dir.resolve("sft");
        run(concat(TINY, "sft", "--steps", "3", "--out", sft.toString()));
        // 16 prompts x 8 = 128 rollouts: two sampling tasks; micro-batches of 32: four gradient passes a step
        String[] rl = {"--train-size", "200", "--test-size", "20", "--eval-problems", "10", "--max-new-tokens", "8", "--prompts", "16",
                "--group-size", "8", "--micro-batch", "32", "--iterations", "2", "--init", sft.resolve("final.ckpt").toString()};
        run(concat(rl, "train", "--out", dir.resolve("in-process").toString()));
        String printed = run(concat(rl, "train", "--spark", "local[2]", "--out", dir.resolve("on-spark").toString()));
        assertTrue(printed.contains("after grpo"), printed);
        List<String> local = Files.readAllLines(dir.resolve("in-process").resolve("metrics.csv"));
        List<String> spark = Files.readAllLines(dir.resolve("on-spark").resolve("metrics.csv"));
        java.util.function.Predicate<String> timing = l -> l.contains("time_") || l.contains("per_second") || l.contains("spark_");
        assertEquals(local.stream().filter(timing.negate()).toList(), spark.stream().filter(timing.negate()).toList(),
                "every metric but timings, reward_mean included");
        assertTrue(spark.stream().anyMatch(l -> l.contains("spark_tasks")) && spark.stream().anyMatch(l -> l.contains("spark_gradient_passes")));
    }

    @Test
    void peerAlgorithmsAndASeparateCriticTrainFromTheCommandLineWithHealthSummaries() throws IOException {
        Path sft = dir.resolve("sft");
        run(concat(TINY, "sft", "--steps", "3", "--out", sft.toString()));
        String[] rl = {"--train-size", "200", "--test-size", "20", "--eval-problems", "10", "--max-new-tokens", "8",
                "--prompts", "2", "--iterations", "2", "--init", sft.resolve("final.ckpt").toString()};
        for (String algo : List.of("dapo", "gspo", "cispo")) {
            Path out = dir.resolve(algo);
            String printed = run(concat(rl, "train", "--algo", algo, "--out", out.toString()));
            assertTrue(printed.contains("after " + algo), printed);
            String health = Files.readString(out.resolve("health.json"));
            assertTrue(health.contains("\"status\" : \"ok\"") && health.contains("entropy_collapse"), health);
        }
        String metrics = Files.readString(dir.resolve("dapo").resolve("metrics.csv"));
        assertTrue(metrics.contains("groups_kept") && metrics.contains("overlong_reward_mean") && metrics.contains("sampler_mismatch_kl"), metrics);
        Path corrected = dir.resolve("tis");
        run(concat(rl, "train", "--algo", "grpo", "--off-policy-correction", "tis-sequence", "--clip-high", "0.28", "--health", "off",
                "--covariance", "kl-cov", "--covariance-ratio", "0.05", "--out", corrected.toString()));
        assertTrue(Files.readString(corrected.resolve("metrics.csv")).contains("is_weight_mean"));
        assertTrue(Files.readString(corrected.resolve("metrics.csv")).contains("covariance_selected_fraction"));
        assertFalse(Files.exists(corrected.resolve("health.json")), "--health off writes none");
        Path separate = dir.resolve("ppo-separate");
        String ppo = run(concat(rl, "train", "--algo", "ppo", "--critic", "separate", "--critic-lr", "1e-3", "--critic-warmup", "1",
                "--out", separate.toString()));
        assertTrue(ppo.contains("after ppo"), ppo);
        assertTrue(CheckpointStore.load(separate.resolve("final.ckpt")).weights().keySet().stream().anyMatch(k -> k.startsWith("critic/")),
                "the critic travels in the checkpoint");
        String refused = refused(concat(rl, "train", "--algo", "grpo", "--off-policy-correction", "tis", "--out", dir.resolve("bad").toString()));
        assertTrue(refused.contains("unknown off-policy correction 'tis'"), refused);
        refused = refused(concat(rl, "train", "--algo", "grpo", "--health", "abort", "--out", dir.resolve("bad2").toString()));
        assertTrue(refused.contains("--health: unknown action 'abort'"), refused);
    }

    @Test
    void vinePpoTrainsWithMonteCarloValues() throws IOException {
        Path sft = dir.resolve("sft");
        run(concat(TINY, "sft", "--steps", "2", "--out", sft.toString()));
        Path vine = dir.resolve("vineppo");
        String printed = run("train", "--algo", "vineppo", "--init", sft.resolve("final.ckpt").toString(), "--out", vine.toString(),
                "--train-size", "200", "--test-size", "20", "--eval-problems", "4", "--max-new-tokens", "8", "--prompts", "2",
                "--iterations", "1", "--vine-k", "2", "--value-diagnostics-every", "1", "--value-diagnostics-problems", "2",
                "--ground-truth-k", "2");
        assertTrue(printed.contains("after vineppo"), printed);
        String csv = Files.readString(vine.resolve("metrics.csv"));
        assertTrue(csv.contains("vine_completions") && csv.contains("value_mae_mc") && !csv.contains("value_loss"), csv);
    }

    @Test
    void benchRunsOnATinyModel() {
        String printed = run("bench", "--sizes", "16x1", "--new-tokens", "4", "--train-steps", "1", "--rl-iterations", "1",
                "--rl-warmup", "0", "--rl-new-tokens", "4", "--knn-sizes", "100", "--out", dir.resolve("bench.csv").toString());
        assertTrue(printed.contains("rl grpo") && printed.contains("rl ppo") && printed.contains("vine rollouts") && printed.contains("GFLOP/s"), printed);
    }

    @Test
    void badInputGivesAClearErrorAndExitCode() {
        String err = refused("eval", "--checkpoint", dir.resolve("missing.ckpt").toString());
        assertTrue(err.contains("missing.ckpt"), err);
        // A configuration record's refusal names the option that holds the value.
        err = refused("sft", "--steps", "2", "--warmup", "5", "--out", dir.resolve("warm").toString());
        assertTrue(err.startsWith("error: --warmup: warmupSteps must be in [0, steps), got 5"), err);
        assertEquals(2, new CommandLine(new Main()).execute("sft", "--no-such-option"));
    }

    @Test
    void preferenceLearningCommandsChainFromAnSftCheckpoint() throws IOException {
        Path sft = dir.resolve("sft");
        run(concat(TINY, "sft", "--steps", "2", "--out", sft.toString()));
        String init = sft.resolve("final.ckpt").toString();
        String[] data = {"--train-size", "60", "--test-size", "10"};
        // Built-in pairs to a file, then a reward model, DPO and RLHF on them.
        Path pairs = dir.resolve("pairs.jsonl");
        String printed = run(concat(data, "preferences", "--out", pairs.toString()));
        assertTrue(printed.contains("wrote 60 pairs"), printed);
        Path rm = dir.resolve("rm");
        printed = run(concat(data, "reward-model", "--init", init, "--pairs", pairs.toString(), "--steps", "3", "--batch-pairs", "4",
                "--warmup", "1", "--eval-every", "0", "--out", rm.toString()));
        assertTrue(printed.contains("held-out pairwise accuracy after"), printed);
        assertEquals("reward-model", CheckpointStore.load(rm.resolve("final.ckpt")).kind());
        assertTrue(Files.exists(rm.resolve("plot.png")));
        printed = run(concat(data, "dpo", "--init", init, "--loss", "ipo", "--steps", "2", "--batch-pairs", "4", "--warmup", "1",
                "--eval-problems", "4", "--max-new-tokens", "8", "--out", dir.resolve("ipo").toString()));
        assertTrue(printed.contains("held-out greedy accuracy after ipo") && printed.contains("held-out preference accuracy"), printed);
        printed = run(concat(data, "dpo", "--init", init, "--loss", "orpo", "--pairs", pairs.toString(), "--steps", "2", "--batch-pairs", "4",
                "--warmup", "1", "--eval-problems", "4", "--max-new-tokens", "8", "--out", dir.resolve("orpo").toString()));
        assertTrue(printed.contains("held-out greedy accuracy after orpo"), printed);
        Path unpaired = dir.resolve("unpaired.jsonl");
        Files.writeString(unpaired, "{\"prompt\": \"Q: n=1\\nA: \", \"completion\": \"#### 1\", \"label\": true}\n"
                + "{\"prompt\": \"Q: n=2\\nA: \", \"completion\": \"#### 3\", \"label\": false}\n"
                + "{\"prompt\": \"Q: n=3\\nA: \", \"completion\": \"#### 3\", \"label\": true}\n");
        printed = run(concat(data, "dpo", "--init", init, "--loss", "kto", "--unpaired", unpaired.toString(), "--steps", "2", "--batch-pairs",
                "1", "--warmup", "1", "--eval-problems", "4", "--max-new-tokens", "8", "--out", dir.resolve("kto").toString()));
        assertTrue(printed.contains("kto: 3 train examples (2 desirable, 1 undesirable)") && printed.contains("held-out label accuracy"), printed);
        assertEquals("kto", CheckpointStore.load(dir.resolve("kto/final.ckpt")).kind());
        printed = run(concat(data, "train", "--algo", "grpo", "--init", init, "--reward-model", rm.resolve("final.ckpt").toString(),
                "--prompts", "2", "--iterations", "1", "--eval-problems", "4", "--max-new-tokens", "8", "--out", dir.resolve("rlhf").toString()));
        assertTrue(printed.contains("after grpo"), printed);
        assertTrue(Files.readAllLines(dir.resolve("rlhf/metrics.csv")).stream().anyMatch(l -> l.contains("reward_correctness_correlation")));
        // RLAIF: a judge from the SFT checkpoint labels the policy's samples; a bad spec is named.
        Path judge = dir.resolve("judge");
        printed = run(concat(data, "judge", "--init", init, "--steps", "2", "--batch-size", "4", "--out", judge.toString()));
        assertTrue(printed.contains("held-out verdict accuracy"), printed);
        printed = run(concat(data, "preferences", "--from", init, "--label-with", "judge:" + judge.resolve("final.ckpt"), "--problems", "4",
                "--min-gap", "0.0001", "--max-new-tokens", "8", "--out", dir.resolve("judged.jsonl").toString()));
        assertTrue(printed.contains("label_agreement"), printed);
        Files.writeString(dir.resolve("bad.jsonl"), "{\"prompt\":\"p\",\"chosen\":\"a\"}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CommandLine(new Main()).setErr(new java.io.PrintWriter(err, true))
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + e.getMessage());
                    return 1;
                })
                .execute(concat(data, "dpo", "--init", init, "--pairs", dir.resolve("bad.jsonl").toString()));
        assertEquals(1, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("bad.jsonl:1: missing field 'rejected'"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSweepsBestConfigTrainsWithTrainConfig() throws IOException {
        Path sft = dir.resolve("sft");
        run(concat(TINY, "sft", "--steps", "2", "--out", sft.toString()));
        String init = sft.resolve("final.ckpt").toString();
        String[] small = {"--train-size", "200", "--test-size", "20", "--max-new-tokens", "8", "--prompts", "2", "--group-size", "2",
                "--iterations", "2", "--eval-problems", "10"};
        Path sweep = dir.resolve("sweep");
        String printed = run(concat(small, "sweep", "--init", init, "--space", "lr=loguniform:1e-5:1e-3", "--space", "algorithm=grpo,rloo",
                "--search", "grid", "--grid-points", "2", "--candidates", "0", "--threads", "2", "--out", sweep.toString()));
        assertTrue(printed.contains("grid search, 4 candidates at most, 2 at a time") && printed.contains("best: candidate"), printed);
        List<String> csv = Files.readAllLines(sweep.resolve("sweep.csv"));
        assertEquals("candidate,learningRate,algorithm,score,status,seconds,error", csv.get(0));
        assertEquals(5, csv.size());
        assertTrue(Files.exists(sweep.resolve("sweep.png")) && Files.exists(sweep.resolve("candidate-003/config.json")));

        // The same grid on Spark local[2], two candidates at a time, each with engines of its own: the same scores.
        Path onSpark = dir.resolve("sweep-spark");
        run(concat(small, "sweep", "--init", init, "--space", "lr=loguniform:1e-5:1e-3", "--space", "algorithm=grpo,rloo",
                "--search", "grid", "--grid-points", "2", "--candidates", "0", "--threads", "2", "--spark", "local[2]", "--out", onSpark.toString()));
        java.util.function.Function<List<String>, List<String>> scores = rows -> rows.stream().map(r -> String.join(",",
                java.util.Arrays.asList(r.split(",")).subList(0, 5))).sorted().toList();
        assertEquals(scores.apply(csv), scores.apply(Files.readAllLines(onSpark.resolve("sweep.csv"))), "candidate, values, score, status");

        Path again = dir.resolve("again");
        printed = run("train", "--config", sweep.resolve("best-config.json").toString(), "--init", init, "--train-size", "200",
                "--test-size", "20", "--iterations", "1", "--out", again.toString());
        assertTrue(printed.contains("held-out greedy accuracy after"), printed);
        RlConfig best = RlConfigJson.read(sweep.resolve("best-config.json"));
        assertEquals(best.toBuilder().iterations(1).build().optimization().learningRate(),
                CheckpointStore.load(again.resolve("final.ckpt")).trainerConfig().get("optimization").get("learningRate").asDouble());

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CommandLine(new Main()).setErr(new java.io.PrintWriter(err, true))
                .execute(concat(small, "sweep", "--init", init, "--space", "lr=loguniform:0:1e-3"));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--space: search space 'lr=loguniform:0:1e-3': loguniform needs LOW > 0"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aHuggingFaceGpt2DirectoryEvaluatesFineTunesAndExportsWithItsTokenizer() throws IOException {
        // A tiny GPT-2 in the Hugging Face layout with a byte-level BPE tokenizer.json (260 ids).
        Path model = io.dl4jrl.text.TestTokenizers.byteLevel(dir.resolve("hf-gpt2"));
        io.dl4jrl.hf.HfGpt2.save(new io.dl4jrl.policy.TransformerPolicy(io.dl4jrl.graphs.TransformerConfig.builder().vocabSize(260)
                .contextLength(512).dModel(16).nLayers(1).nHeads(2).activation(io.dl4jrl.graphs.Activation.GELU_TANH)
                .layerNormEpsilon(1e-5).build()), model, io.dl4jrl.hf.SafetensorsDtype.F32);
        String[] data = {"--train-size", "200", "--test-size", "20", "--max-new-tokens", "8"};
        String printed = run(concat(data, "eval", "--model", model.toString(), "--problems", "4"));
        assertTrue(printed.contains("hf-gpt2 on arithmetic") && printed.contains("greedy accuracy"), printed);
        // an instruct-style chat template in tokenizer_config.json, used with --chat
        Files.writeString(model.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|endoftext|>\", \"chat_template\": "
                + "\"{% for m in messages %}{{ m['role'] + ': ' + m['content'] + '\\\\n' }}{% endfor %}"
                + "{% if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}\"}");
        printed = run(concat(data, "eval", "--model", model.toString(), "--chat", "--problems", "4"));
        assertTrue(printed.contains("greedy accuracy"), printed);
        // the real GSM8K (shipped in data/gsm8k) through the model's own tokenizer
        Path gsm8k = Path.of("..", "data", "gsm8k");
        printed = run("eval", "--model", model.toString(), "--task", "gsm8k", "--gsm8k-dir", gsm8k.toString(), "--problems", "2",
                "--max-new-tokens", "4");
        assertTrue(printed.contains("on gsm8k") && printed.contains("/2)"), printed);
        printed = run(concat(data, "train", "--model", model.toString(), "--chat", "--prompts", "2", "--group-size", "2",
                "--iterations", "1", "--eval-problems", "4", "--out", dir.resolve("hf-chat").toString()));
        assertTrue(printed.contains("held-out greedy accuracy after grpo"), printed);

        Path sft = dir.resolve("hf-sft");
        printed = run(concat(data, "sft", "--model", model.toString(), "--steps", "2", "--eval-problems", "4", "--warmup", "1",
                "--out", sft.toString()));
        assertTrue(printed.contains("held-out greedy accuracy after SFT"), printed);
        Path rl = dir.resolve("hf-grpo");
        printed = run(concat(data, "train", "--init", sft.resolve("final.ckpt").toString(), "--tokenizer", model.toString(),
                "--prompts", "2", "--group-size", "2", "--iterations", "1", "--eval-problems", "4", "--out", rl.toString()));
        assertTrue(printed.contains("held-out greedy accuracy after grpo"), printed);
        printed = run(concat(data, "train", "--model", model.toString(), "--prompts", "2", "--group-size", "2", "--iterations", "1",
                "--eval-problems", "4", "--out", dir.resolve("hf-grpo-direct").toString()));
        assertTrue(printed.contains("held-out greedy accuracy after grpo"), printed);

        Path exported = dir.resolve("exported");
        run("export", "--checkpoint", rl.resolve("final.ckpt").toString(), "--tokenizer", model.toString(), "--out", exported.toString());
        assertTrue(Files.exists(exported.resolve("tokenizer.json")) && Files.exists(exported.resolve("config.json")));
        printed = run(concat(data, "eval", "--model", exported.toString(), "--problems", "4"));
        assertTrue(printed.contains("exported on arithmetic"), printed);
        // the exported weights are the fine-tuned ones, exactly
        io.dl4jrl.checkpoint.Checkpoint c = CheckpointStore.load(rl.resolve("final.ckpt"));
        io.dl4jrl.policy.TransformerPolicy back = io.dl4jrl.hf.HfGpt2.load(exported);
        for (var e : c.weights().entrySet()) {
            if (back.graph().sameDiff().hasVariable(e.getKey())) {
                assertEquals(e.getValue(), back.graph().sameDiff().getArrForVarName(e.getKey()), e.getKey());
            }
        }
    }

    @Test
    void aHuggingFaceLlamaDirectoryTrainsWithPpoAndExports() throws IOException {
        Path model = io.dl4jrl.text.TestTokenizers.byteLevel(dir.resolve("hf-llama"));
        io.dl4jrl.hf.HfModels.save(new io.dl4jrl.policy.TransformerPolicy(io.dl4jrl.graphs.TransformerConfig.builder()
                .architecture(io.dl4jrl.graphs.Architecture.LLAMA).vocabSize(260).contextLength(128).dModel(16).nLayers(1)
                .nHeads(4).nKvHeads(2).mlpHidden(24).layerNormEpsilon(1e-5).tieEmbeddings(false).build()), model,
                io.dl4jrl.hf.SafetensorsDtype.BF16);
        String[] data = {"--train-size", "200", "--test-size", "20", "--max-new-tokens", "8"};
        Path ppo = dir.resolve("llama-ppo");
        String printed = run(concat(data, "train", "--model", model.toString(), "--algo", "ppo", "--prompts", "2", "--group-size", "2",
                "--iterations", "1", "--eval-problems", "4", "--out", ppo.toString()));
        assertTrue(printed.contains("held-out greedy accuracy after ppo"), printed);
        Path exported = dir.resolve("llama-exported");
        run("export", "--checkpoint", ppo.resolve("final.ckpt").toString(), "--tokenizer", model.toString(), "--out", exported.toString());
        assertTrue(Files.readString(exported.resolve("config.json")).contains("LlamaForCausalLM"));
        printed = run(concat(data, "eval", "--model", exported.toString(), "--problems", "4"));
        assertTrue(printed.contains("llama-exported on arithmetic"), printed);
        printed = run("bench", "--model", exported.toString(), "--new-tokens", "4", "--train-steps", "1", "--rl-iterations", "1",
                "--rl-warmup", "0", "--rl-new-tokens", "4", "--knn-sizes", "100", "--out", dir.resolve("bench-llama.csv").toString());
        assertTrue(printed.contains("LLAMA model d_model=16 layers=1 heads=4") && printed.contains("rl grpo"), printed);
    }

    @Test
    void everyOptionOfEveryCommandIsDescribedWithItsDefault() {
        List<String> missing = new java.util.ArrayList<>();
        for (var command : new CommandLine(new Main()).getSubcommands().entrySet()) {
            for (CommandLine.Model.OptionSpec o : command.getValue().getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                String d = String.join(" ", o.description());
                // Flags, required options and paths (absent = not used) need no default; every other option names its own.
                boolean needsDefault = !o.typeInfo().isBoolean() && !o.required() && !Path.class.equals(o.type());
                if (d.isBlank() || (needsDefault && !d.contains("default"))) {
                    missing.add(command.getKey() + " " + o.longestName());
                }
            }
        }
        assertEquals(List.of(), missing, "options without a description or default");
    }
}
