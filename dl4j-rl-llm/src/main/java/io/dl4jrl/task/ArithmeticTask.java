package io.dl4jrl.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The built-in reasoning task: generated arithmetic word problems at one or more difficulty levels.
 *
 * <p>The split is a pure function of the question text (a stable hash puts {@code testPercent}% of all
 * possible questions in test), so train and test never share a question, whatever the sizes or seed, and
 * the same arguments always give the same problems.
 */
public final class ArithmeticTask implements ReasoningTask {
    private final List<Integer> levels;
    private final List<Problem> train;
    private final List<Problem> test;

    /**
     * @param levels    difficulty levels ({@link Difficulty#level}); problems are spread evenly over them
     * @param trainSize problems in the train split
     * @param testSize  problems in the test split
     * @param seed      seed of the generator
     */
    public ArithmeticTask(List<Integer> levels, int trainSize, int testSize, long seed) {
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("levels must not be empty");
        }
        if (trainSize < 0 || testSize < 0) {
            throw new IllegalArgumentException("sizes must be >= 0, got train " + trainSize + ", test " + testSize);
        }
        this.levels = List.copyOf(levels);
        List<Problem> tr = new ArrayList<>();
        List<Problem> te = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        SplittableRandom random = new SplittableRandom(seed);
        long attempts = 0;
        long maxAttempts = 200L * (trainSize + testSize) + 10_000;
        while (tr.size() < trainSize || te.size() < testSize) {
            if (++attempts > maxAttempts) {
                throw new IllegalStateException("could not generate " + trainSize + " train and " + testSize
                        + " test problems at levels " + levels + ": too few distinct problems exist");
            }
            int level = this.levels.get((tr.size() + te.size()) % this.levels.size());
            Problem p = ArithmeticProblemGenerator.generate(Difficulty.level(level), level, random);
            if (!seen.add(p.question())) {
                continue;
            }
            boolean isTest = inTestSplit(p.question());
            List<Problem> target = isTest ? te : tr;
            int limit = isTest ? testSize : trainSize;
            if (target.size() < limit) {
                String id = (isTest ? "test-" : "train-") + target.size();
                target.add(new Problem(id, p.question(), p.solution(), p.answer(), level));
            }
        }
        this.train = Collections.unmodifiableList(tr);
        this.test = Collections.unmodifiableList(te);
    }

    /** Test split membership: 20% of the question space, by a stable hash of the question text. */
    public static boolean inTestSplit(String question) {
        long h = question.hashCode() * 0x9E3779B97F4A7C15L;
        return Math.floorMod(h ^ (h >>> 29), 100) < 20;
    }

    @Override
    public String name() {
        return "arithmetic-L" + levels;
    }

    public List<Integer> levels() {
        return levels;
    }

    @Override
    public List<Problem> train() {
        return train;
    }

    @Override
    public List<Problem> test() {
        return test;
    }
}
