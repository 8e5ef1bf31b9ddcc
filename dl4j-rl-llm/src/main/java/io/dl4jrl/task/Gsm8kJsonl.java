package io.dl4jrl.task;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads GSM8K-format JSONL: one JSON object per line with string fields {@code question} and
 * {@code answer}, the answer ending in a line {@code #### <number>}. GSM8K's calculator annotations
 * ({@code <<48/2=24>>}) are removed from the solution. Blank lines are skipped; any other malformed line
 * stops the load with an error naming the file, the line number and what is wrong.
 */
public final class Gsm8kJsonl {
    private static final Pattern FINAL_ANSWER = Pattern.compile("(?m)^####\\s*(.+?)\\s*$");
    private static final Pattern CALCULATOR = Pattern.compile("<<[^>]*>>");

    private Gsm8kJsonl() {
    }

    /** A malformed row: names the file and the 1-based line. */
    public static final class FormatException extends JsonlFormatException {
        public FormatException(Path file, int line, String message) {
            super(file, line, message);
        }
    }

    public static List<Problem> load(Path file) throws IOException {
        String prefix = file.getFileName().toString().replaceFirst("\\.jsonl?$", "");
        return JsonlRows.read(file, "fields 'question' and 'answer'", FormatException::new,
                (node, line, index) -> parse(file, line, node, prefix + "-" + index));
    }

    private static Problem parse(Path file, int lineNo, JsonNode node, String id) throws JsonlFormatException {
        String question = JsonlRows.text(file, lineNo, node, "question", true, FormatException::new);
        String answer = JsonlRows.text(file, lineNo, node, "answer", true, FormatException::new);
        Matcher m = FINAL_ANSWER.matcher(answer);
        String finalAnswer = null;
        while (m.find()) {
            finalAnswer = m.group(1);
        }
        if (finalAnswer == null) {
            throw new FormatException(file, lineNo, "field 'answer' has no final line '#### <number>'");
        }
        if (io.dl4jrl.reward.AnswerExtractor.parseNumber(finalAnswer).isEmpty()) {
            throw new FormatException(file, lineNo, "final answer '" + finalAnswer + "' is not a number");
        }
        String solution = CALCULATOR.matcher(answer).replaceAll("").strip();
        return new Problem(id, question.strip(), solution, finalAnswer.replace(",", ""), 0);
    }
}
