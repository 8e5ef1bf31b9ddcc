package io.dl4jrl.reward;

import io.dl4jrl.task.Problem;

import java.math.BigDecimal;

/** 1.0 when the response's final answer equals the problem's answer numerically, else 0. */
public record CorrectnessReward(AnswerExtractor extractor) implements RewardFunction {

    public CorrectnessReward() {
        this(AnswerExtractor.STRICT);
    }

    @Override
    public String name() {
        return "correctness";
    }

    @Override
    public double score(Problem problem, String response) {
        BigDecimal expected = AnswerExtractor.parseNumber(problem.answer()).orElseThrow(() ->
                new IllegalArgumentException("problem " + problem.id() + " has a non-numeric answer '" + problem.answer() + "'"));
        return extractor.extract(response).filter(a -> AnswerExtractor.sameNumber(a, expected)).isPresent() ? 1.0 : 0.0;
    }
}
