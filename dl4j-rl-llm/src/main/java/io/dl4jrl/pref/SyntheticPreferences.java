package io.dl4jrl.pref;

import io.dl4jrl.reward.AnswerExtractor;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in preference set, made offline from a task's reference solutions. The chosen response is always the
 * reference solution; the rejected one is a corruption of it:
 * <ul>
 *   <li>{@link Kind#WRONG_ANSWER}: correct vs wrong. Either an arithmetic slip in the last step (its result and
 *       the final answer both changed by a small amount, so the text stays self-consistent) or a copying slip
 *       (the steps right, only the final answer changed);</li>
 *   <li>{@link Kind#PADDED}: concise vs padded. A reasoning line repeated, same final answer.</li>
 * </ul>
 * Solutions follow the task format: one step per line, last line {@code #### <answer>}.
 */
public final class SyntheticPreferences {
    /** What distinguishes the rejected response. */
    public enum Kind { WRONG_ANSWER, PADDED }

    private static final Pattern LAST_RESULT = Pattern.compile("=\\s*(-?[0-9][0-9.,]*)\\s*$");

    private SyntheticPreferences() {
    }

    /**
     * One pair per problem: {@link Kind#PADDED} with probability {@code paddedShare}, else {@link Kind#WRONG_ANSWER}.
     * Deterministic in {@code seed}. Problems whose solution has no computable step are skipped.
     */
    public static List<PreferencePair> generate(List<Problem> problems, PromptFormat format, double paddedShare, long seed) {
        if (!(paddedShare >= 0 && paddedShare <= 1)) {
            throw new IllegalArgumentException("paddedShare must be in [0, 1], got " + paddedShare);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<PreferencePair> out = new ArrayList<>(problems.size());
        for (Problem p : problems) {
            Kind kind = random.nextDouble() < paddedShare ? Kind.PADDED : Kind.WRONG_ANSWER;
            String rejected = kind == Kind.PADDED ? padded(p.solution(), random) : wrongAnswer(p.solution(), p.answer(), random);
            if (rejected != null && !rejected.equals(p.solution())) {
                out.add(new PreferencePair(p.id() + "-" + kind.name().toLowerCase(java.util.Locale.ROOT), format.prompt(p),
                        p.solution(), rejected, p.answer()));
            }
        }
        return out;
    }

    /** The solution with a wrong final answer (and, half of the time, a matching slip in the last step's result). */
    static String wrongAnswer(String solution, String answer, SplittableRandom random) {
        List<String> lines = new ArrayList<>(Arrays.asList(solution.split("\n", -1)));
        int finalLine = lines.size() - 1;
        if (!lines.get(finalLine).startsWith("####")) {
            return null;
        }
        java.math.BigDecimal value = AnswerExtractor.parseNumber(answer).orElse(null);
        if (value == null) {
            return null;
        }
        long delta = random.nextInt(1, 4) * (random.nextBoolean() ? 1L : -1L);
        String wrong = value.add(java.math.BigDecimal.valueOf(delta)).stripTrailingZeros().toPlainString();
        if (random.nextBoolean() && finalLine > 0) {
            Matcher m = LAST_RESULT.matcher(lines.get(finalLine - 1));
            if (m.find()) {
                String step = lines.get(finalLine - 1);
                lines.set(finalLine - 1, step.substring(0, m.start(1)) + wrong + step.substring(m.end(1)));
            }
        }
        lines.set(finalLine, "#### " + wrong);
        return String.join("\n", lines);
    }

    /** The solution with one of its reasoning lines written twice. */
    static String padded(String solution, SplittableRandom random) {
        List<String> lines = new ArrayList<>(Arrays.asList(solution.split("\n", -1)));
        int steps = lines.size() - 1; // the final answer line is not repeated
        if (steps < 1) {
            return null;
        }
        int k = random.nextInt(steps);
        lines.add(k + 1, lines.get(k));
        return String.join("\n", lines);
    }
}
