package io.dl4jrl.pref;

import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;

import java.util.ArrayList;
import java.util.List;

/** RLAIF with the judge as the reward: a response's reward is the judge's score in [0, 1], a whole batch per call. */
public final class JudgeReward implements RewardFunction {
    private final Judge judge;
    private final PromptFormat format;

    public JudgeReward(Judge judge, PromptFormat format) {
        this.judge = judge;
        this.format = format;
    }

    @Override
    public String name() {
        return judge.name();
    }

    @Override
    public double score(Problem problem, String response) {
        return scoreAll(List.of(problem), List.of(response))[0];
    }

    @Override
    public double[] scoreAll(List<Problem> problems, List<String> responses) {
        List<String> prompts = new ArrayList<>(problems.size());
        problems.forEach(p -> prompts.add(format.prompt(p)));
        return judge.judge(prompts, responses);
    }
}
