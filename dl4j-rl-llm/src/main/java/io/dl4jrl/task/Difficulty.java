package io.dl4jrl.task;

/**
 * Difficulty of a generated arithmetic problem.
 *
 * @param steps     number of arithmetic operations, one solution line each
 * @param maxDigits operands have 1..maxDigits digits
 */
public record Difficulty(int steps, int maxDigits) {
    public Difficulty {
        if (steps < 1 || steps > 8) {
            throw new IllegalArgumentException("steps must be in 1..8, got " + steps);
        }
        if (maxDigits < 1 || maxDigits > 4) {
            throw new IllegalArgumentException("maxDigits must be in 1..4, got " + maxDigits);
        }
    }

    /** Built-in levels: 1 = one step with one-digit numbers, up to 5 = four steps with two-digit numbers. */
    public static Difficulty level(int level) {
        return switch (level) {
            case 1 -> new Difficulty(1, 1);
            case 2 -> new Difficulty(2, 1);
            case 3 -> new Difficulty(2, 2);
            case 4 -> new Difficulty(3, 2);
            case 5 -> new Difficulty(4, 2);
            default -> throw new IllegalArgumentException("level must be in 1..5, got " + level);
        };
    }
}
