package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.pref.JudgeReward;
import io.dl4jrl.pref.LearnedReward;
import io.dl4jrl.pref.PromptedJudge;
import io.dl4jrl.pref.RewardModel;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/** Model-based rewards and labellers from the command line: a trained reward model, or a policy checkpoint prompted as a judge. */
final class Scorers {
    private Scorers() {
    }

    static RewardFunction rewardModel(Path checkpoint, Tokenizer tokenizer, PromptFormat format, double clip) throws IOException {
        return new LearnedReward(RewardModel.load(CheckpointStore.load(checkpoint), tokenizer.padId()), tokenizer, format, clip);
    }

    static RewardFunction judge(Path checkpoint, Tokenizer tokenizer, PromptFormat format) throws IOException {
        Checkpoint c = CheckpointStore.load(checkpoint);
        io.dl4jrl.policy.CausalLm model = CheckpointStore.loadModel(c);
        return new JudgeReward(new PromptedJudge(model, tokenizer), format);
    }

    /** {@code correctness}, {@code reward-model:<checkpoint>} or {@code judge:<checkpoint>}. */
    static RewardFunction parse(String spec, Tokenizer tokenizer, PromptFormat format) throws IOException {
        if (spec.equals("correctness")) {
            return new CorrectnessReward();
        }
        if (spec.startsWith("reward-model:")) {
            return rewardModel(Path.of(spec.substring("reward-model:".length())), tokenizer, format, 0);
        }
        if (spec.startsWith("judge:")) {
            return judge(Path.of(spec.substring("judge:".length())), tokenizer, format);
        }
        throw new IllegalArgumentException("--label-with must be correctness, reward-model:<checkpoint> or judge:<checkpoint>, got '" + spec + "'");
    }
}
