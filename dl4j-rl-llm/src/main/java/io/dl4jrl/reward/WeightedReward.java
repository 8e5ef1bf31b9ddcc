package io.dl4jrl.reward;

import io.dl4jrl.task.Problem;

import java.util.ArrayList;
import java.util.List;

/** A weighted sum of reward functions, e.g. correctness + 0.1 · format. */
public final class WeightedReward implements RewardFunction {
    public record Term(RewardFunction function, double weight) {
    }

    private final List<Term> terms;

    private WeightedReward(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    public static WeightedReward of(RewardFunction function, double weight) {
        return new WeightedReward(List.of(new Term(function, weight)));
    }

    public WeightedReward plus(RewardFunction function, double weight) {
        List<Term> t = new ArrayList<>(terms);
        t.add(new Term(function, weight));
        return new WeightedReward(t);
    }

    /** The default task reward: correctness, plus {@code formatWeight} times the format reward. */
    public static WeightedReward correctnessWithFormat(double formatWeight) {
        WeightedReward r = of(new CorrectnessReward(), 1.0);
        return formatWeight == 0 ? r : r.plus(new FormatReward(), formatWeight);
    }

    public List<Term> terms() {
        return terms;
    }

    @Override
    public String name() {
        StringBuilder sb = new StringBuilder();
        for (Term t : terms) {
            sb.append(sb.length() == 0 ? "" : "+").append(t.weight() == 1.0 ? "" : t.weight() + "*").append(t.function().name());
        }
        return sb.toString();
    }

    @Override
    public double score(Problem problem, String response) {
        double total = 0;
        for (Term t : terms) {
            total += t.weight() * t.function().score(problem, response);
        }
        return total;
    }
}
