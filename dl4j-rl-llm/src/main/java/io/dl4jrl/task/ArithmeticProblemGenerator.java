package io.dl4jrl.task;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates multi-step arithmetic word problems in GSM8K's answer format: one reasoning step per line
 * ({@code 3+4=7}), final line {@code #### 7}. A person starts with some items, then each step adds,
 * removes or multiplies them; the question asks how many there are at the end. Intermediate values stay
 * non-negative and below 10^(maxDigits+1), so problems are solvable by the arithmetic the level names.
 */
public final class ArithmeticProblemGenerator {
    private static final String[][] PEOPLE = {
            {"Ann", "She"}, {"Ben", "He"}, {"Cara", "She"}, {"Dan", "He"}, {"Eve", "She"}, {"Finn", "He"},
            {"Gia", "She"}, {"Hal", "He"}, {"Ivy", "She"}, {"Jon", "He"}, {"Kim", "She"}, {"Leo", "He"}};
    private static final String[] ITEMS = {"apples", "pens", "books", "coins", "cards", "shells", "stamps",
            "marbles", "eggs", "socks", "cups", "rocks"};
    private static final String[] ADD = {"%s buys %d more.", "%s finds %d more.", "%s gets %d more."};
    private static final String[] SUB = {"%s gives away %d.", "%s loses %d.", "%s sells %d."};
    private static final String[] MUL = {"%s gets %d times as many.", "%s ends up with %d times as many."};

    private ArithmeticProblemGenerator() {
    }

    /** A problem drawn from {@code random}; the id is filled in by the task. */
    public static Problem generate(Difficulty difficulty, int level, SplittableRandom random) {
        String[] person = PEOPLE[random.nextInt(PEOPLE.length)];
        String item = ITEMS[random.nextInt(ITEMS.length)];
        long limit = pow10(difficulty.maxDigits() + 1);
        long value = operand(difficulty.maxDigits(), random);
        StringBuilder question = new StringBuilder()
                .append(person[0]).append(" has ").append(value).append(' ').append(item).append('.');
        List<String> steps = new ArrayList<>();
        for (int s = 0; s < difficulty.steps(); s++) {
            String subject = s == 0 ? person[1] : (random.nextBoolean() ? person[0] : person[1]);
            while (true) {
                int op = random.nextInt(3);
                if (op == 0) {
                    long n = operand(difficulty.maxDigits(), random);
                    if (value + n >= limit) {
                        continue;
                    }
                    question.append(' ').append(String.format(ADD[random.nextInt(ADD.length)], subject, n));
                    steps.add(value + "+" + n + "=" + (value + n));
                    value += n;
                } else if (op == 1) {
                    if (value == 0) {
                        continue;
                    }
                    long n = 1 + random.nextLong(Math.min(value, pow10(difficulty.maxDigits()) - 1));
                    question.append(' ').append(String.format(SUB[random.nextInt(SUB.length)], subject, n));
                    steps.add(value + "-" + n + "=" + (value - n));
                    value -= n;
                } else {
                    long n = 2 + random.nextInt(4); // x2..x5
                    if (value * n >= limit || value == 0) {
                        continue;
                    }
                    question.append(' ').append(String.format(MUL[random.nextInt(MUL.length)], subject, n));
                    steps.add(value + "*" + n + "=" + (value * n));
                    value *= n;
                }
                break;
            }
        }
        question.append(" How many ").append(item).append(" now?");
        String solution = String.join("\n", steps) + "\n#### " + value;
        return new Problem("", question.toString(), solution, Long.toString(value), level);
    }

    private static long operand(int maxDigits, SplittableRandom random) {
        return 1 + random.nextLong(pow10(maxDigits) - 1);
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
