package io.dl4jrl.pref;

import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Supervised data that turns a policy checkpoint into a {@link PromptedJudge}: each task problem becomes a judge
 * prompt over either its reference solution (verdict "yes") or a wrong-answer corruption of it (verdict "no"), with
 * equal probability. Fed to the SFT trainer with {@link #FORMAT} (the judge prompt is the whole question) and
 * {@link #verdictMatch} as the evaluation's correctness, so its held-out accuracy is the judge's verdict accuracy.
 */
public final class VerdictData {
    /** The judge prompt is already complete: no question or answer prefix. */
    public static final PromptFormat FORMAT = new PromptFormat("", "");

    private VerdictData() {
    }

    public static List<Problem> problems(List<Problem> tasks, PromptFormat taskFormat, PromptedJudge judge, String yes, String no,
                                         long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Problem> out = new ArrayList<>(tasks.size());
        for (Problem p : tasks) {
            boolean good = random.nextBoolean();
            String response = good ? p.solution() : SyntheticPreferences.wrongAnswer(p.solution(), p.answer(), random);
            if (response == null) {
                continue;
            }
            String verdict = good ? yes : no;
            out.add(new Problem(p.id() + "-verdict", judge.judgePrompt(taskFormat.prompt(p), response), verdict, verdict, p.level()));
        }
        return out;
    }

    /** Correctness of a judge's greedy output: 1 when it starts with the expected verdict. */
    public static RewardFunction verdictMatch() {
        return new RewardFunction() {
            @Override
            public String name() {
                return "verdict";
            }

            @Override
            public double score(Problem problem, String response) {
                return response.strip().startsWith(problem.answer()) ? 1 : 0;
            }
        };
    }
}
