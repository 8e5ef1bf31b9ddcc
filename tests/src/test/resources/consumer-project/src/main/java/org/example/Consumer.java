package org.example;

import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.rl.RlConfig;
import io.dl4jrl.rl.RlTrainer;
import io.dl4jrl.task.ArithmeticTask;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.Evaluator;
import io.dl4jrl.train.SftConfig;
import io.dl4jrl.train.SftTrainer;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;

/** What a user's first program does: SFT a tiny policy, one GRPO iteration, save, reload, evaluate. */
public final class Consumer {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        CharTokenizer tokenizer = new CharTokenizer();
        ArithmeticTask task = new ArithmeticTask(List.of(1), 200, 20, 7);
        TransformerPolicy policy = new TransformerPolicy(TransformerConfig.builder().vocabSize(tokenizer.vocabSize()).contextLength(96)
                .dModel(16).nLayers(1).nHeads(2).seed(1).build());
        SftTrainer sft = new SftTrainer(policy, tokenizer, PromptFormat.DEFAULT, SftConfig.builder().steps(3).batchSize(8).warmupSteps(1)
                .evalEvery(0).evalProblems(4).maxNewTokens(8).build());
        sft.train(task.train(), task.test());
        RlTrainer grpo = new RlTrainer(policy, tokenizer, PromptFormat.DEFAULT, new CorrectnessReward(),
                RlConfig.grpo().iterations(1).promptsPerIteration(2).maxNewTokens(8).evalProblems(4).build());
        grpo.train(task.train(), task.test());
        CheckpointStore.save(out.resolve("grpo.ckpt"), grpo.checkpoint());
        CausalLm back = CheckpointStore.loadModel(CheckpointStore.load(out.resolve("grpo.ckpt")));
        EvalResult r = new Evaluator(tokenizer, PromptFormat.DEFAULT).evaluate(back, task.test().subList(0, 4), 8);
        System.out.println("backend " + Nd4j.getBackend().getClass().getSimpleName() + ", sft steps " + sft.step()
                + ", grpo iterations " + CheckpointStore.load(out.resolve("grpo.ckpt")).step() + ", held-out problems " + r.problems());
    }
}
