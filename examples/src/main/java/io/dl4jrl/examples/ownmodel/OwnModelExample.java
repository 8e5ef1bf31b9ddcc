package io.dl4jrl.examples.ownmodel;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.policy.CausalLms;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.task.ArithmeticTask;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.Evaluator;
import io.dl4jrl.train.SftConfig;
import io.dl4jrl.train.SftTrainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Your own SameDiff model through the library's trainers ({@code ./rl-llm example own-model --out DIR}): a
 * {@link TinyAttentionLm} that none of the library's builders made is SFT-trained, then GRPO-trained with a KL
 * penalty to a frozen copy of itself, saved, reloaded from its checkpoint through its registered model type, and
 * evaluated; the held-out greedy accuracy is printed before and after.
 */
public final class OwnModelExample {

    /**
     * @param sftSteps      SFT steps of 32 problems
     * @param rlIterations  GRPO iterations of 16 prompts x 8 responses
     * @param evalProblems  held-out problems scored before and after
     */
    public record Settings(int width, int layers, int sftSteps, int rlIterations, int evalProblems, long seed) {
        public static Settings defaults() {
            return new Settings(96, 2, 1000, 20, 200, 1);
        }
    }

    /** Held-out greedy accuracy before training, after SFT, after GRPO, and of the reloaded final checkpoint. */
    public record Outcome(EvalResult before, EvalResult afterSft, EvalResult afterRl, EvalResult reloaded, Path checkpoint) {
    }

    private OwnModelExample() {
    }

    public static Outcome run(Settings s, Path out, PrintStream console) throws IOException {
        CharTokenizer tokenizer = new CharTokenizer();
        ArithmeticTask task = new ArithmeticTask(List.of(1), 20_000, s.evalProblems(), s.seed());
        List<Problem> heldOut = task.test();
        Evaluator evaluator = new Evaluator(tokenizer, PromptFormat.DEFAULT);

        // 1. The model: any graph with a token-id placeholder and logits, under a registered model type.
        CausalLm model = CausalLms.create(TinyAttentionLm.spec(tokenizer.vocabSize(), 128, s.width(), s.layers(), s.seed()));
        EvalResult before = evaluator.evaluate(model, heldOut, 16);
        console.printf(Locale.ROOT, "own model '%s': held-out greedy accuracy before training %.1f%%%n", model.spec().type(), 100 * before.accuracy());

        // 2. SFT on worked solutions.
        SftConfig sft = SftConfig.builder().steps(s.sftSteps()).learningRate(3e-3).evalEvery(0).maxNewTokens(16).seed(s.seed()).build();
        SftTrainer sftTrainer = new SftTrainer(model, tokenizer, PromptFormat.DEFAULT, sft);
        sftTrainer.train(task.train(), heldOut);
        EvalResult afterSft = evaluator.evaluate(model, heldOut, 16);
        console.printf(Locale.ROOT, "after %d SFT steps: %.1f%%%n", s.sftSteps(), 100 * afterSft.accuracy());

        // 3. GRPO with a KL penalty to a frozen copy of the SFT model (RlTrainer copies it through the model type).
        RlConfig grpo = RlConfig.grpo().iterations(s.rlIterations()).promptsPerIteration(16).groupSize(8).learningRate(3e-5)
                .klCoefficient(0.02).maxNewTokens(16).evalEvery(0).evalProblems(Math.min(50, s.evalProblems())).seed(s.seed()).build();
        RlTrainer rl = new RlTrainer(model, tokenizer, PromptFormat.DEFAULT, new CorrectnessReward(), grpo);
        rl.train(task.train(), heldOut);
        EvalResult afterRl = evaluator.evaluate(rl.policy(), heldOut, 16);
        console.printf(Locale.ROOT, "after %d GRPO iterations: %.1f%%%n", s.rlIterations(), 100 * afterRl.accuracy());

        // 4. Save, reload through the registered type, evaluate the reloaded model.
        Path file = out.resolve("own-model-grpo.ckpt");
        CheckpointStore.save(file, rl.checkpoint());
        Checkpoint loaded = CheckpointStore.load(file);
        CausalLm reloaded = CheckpointStore.loadModel(loaded);
        EvalResult again = evaluator.evaluate(reloaded, heldOut, 16);
        console.printf(Locale.ROOT, "reloaded %s (type '%s'): %.1f%%%n", file, loaded.model().type(), 100 * again.accuracy());
        console.printf(Locale.ROOT, "held-out greedy accuracy: %.1f%% before -> %.1f%% after SFT -> %.1f%% after GRPO (reloaded: %.1f%%)%n",
                100 * before.accuracy(), 100 * afterSft.accuracy(), 100 * afterRl.accuracy(), 100 * again.accuracy());
        return new Outcome(before, afterSft, afterRl, again, file);
    }
}
