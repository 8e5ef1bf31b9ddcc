package io.dl4jrl.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private static final ObjectMapper JSON = new ObjectMapper();
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
        List<Problem> problems = new ArrayList<>();
        String prefix = file.getFileName().toString().replaceFirst("\\.jsonl?$", "");
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                problems.add(parse(file, lineNo, line, prefix + "-" + problems.size()));
            }
        }
        return problems;
    }

    private static Problem parse(Path file, int lineNo, String line, String id) throws FormatException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new FormatException(file, lineNo, "not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new FormatException(file, lineNo, "expected a JSON object with fields 'question' and 'answer'");
        }
        String question = textField(file, lineNo, node, "question");
        String answer = textField(file, lineNo, node, "answer");
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

    private static String textField(Path file, int lineNo, JsonNode node, String field) throws FormatException {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new FormatException(file, lineNo, "missing field '" + field + "'");
        }
        if (!value.isTextual()) {
            throw new FormatException(file, lineNo, "field '" + field + "' must be a string, is " + value.getNodeType());
        }
        if (value.asText().isBlank()) {
            throw new FormatException(file, lineNo, "field '" + field + "' is empty");
        }
        return value.asText();
    }
}
