package io.dl4jrl.reward;

import io.dl4jrl.task.Problem;

import java.util.regex.Pattern;

/**
 * 1.0 when the response has the expected shape, whatever its correctness: at least one non-empty
 * reasoning line, then a last line that is exactly {@code #### <number>}; else 0.
 */
public final class FormatReward implements RewardFunction {
    private static final Pattern FINAL_LINE = Pattern.compile("####\\s*[-+\u2212]?\\$?[\\d,]*\\.?\\d+\\s*");

    @Override
    public String name() {
        return "format";
    }

    @Override
    public double score(Problem problem, String response) {
        String[] lines = response.strip().split("\n");
        if (lines.length < 2 || !FINAL_LINE.matcher(lines[lines.length - 1].strip()).matches()) {
            return 0.0;
        }
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].isBlank()) {
                return 0.0;
            }
        }
        return AnswerExtractor.parseNumber(lines[lines.length - 1]).isPresent() ? 1.0 : 0.0;
    }
}
