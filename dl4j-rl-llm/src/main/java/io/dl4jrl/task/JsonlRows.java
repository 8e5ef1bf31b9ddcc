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

/**
 * Reads a JSONL data file row by row, as the GSM8K and preference-pair loaders do: blank lines are skipped, every
 * other line must be a JSON object, and each error names the file and the 1-based line.
 */
public final class JsonlRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonlRows() {
    }

    /** Makes the loader's own exception type for a malformed row. */
    @FunctionalInterface
    public interface Errors {
        JsonlFormatException at(Path file, int line, String message);
    }

    /** Turns one row's object into a value; {@code index} counts the rows read so far (for default ids). */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(JsonNode object, int line, int index) throws JsonlFormatException;
    }

    /**
     * @param expected what a row holds, for the error on a line that is not an object (e.g. "fields 'question' and
     *                 'answer'")
     */
    public static <T> List<T> read(Path file, String expected, Errors errors, Parser<T> parser) throws IOException {
        List<T> rows = new ArrayList<>();
        io.dl4jrl.checkpoint.ReadableFiles.require(file, "JSONL file");
        int lineNo = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = nextLine(reader, file, lineNo + 1)) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw errors.at(file, lineNo, "not valid JSON: " + e.getOriginalMessage());
                }
                if (node == null || !node.isObject()) {
                    throw errors.at(file, lineNo, "expected a JSON object with " + expected);
                }
                rows.add(parser.parse(node, lineNo, rows.size()));
            }
        }
        return rows;
    }

    /** The next line; bytes that are not UTF-8 (a binary file, another encoding) are an error naming the file and line. */
    private static String nextLine(BufferedReader reader, Path file, int lineNo) throws IOException {
        try {
            return reader.readLine();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ":" + lineNo + ": not UTF-8 text (a binary file, or another encoding?)", e);
        }
    }

    /**
     * A non-blank string field; absent or JSON null is an error when {@code required}, else {@code null}.
     */
    public static String text(Path file, int line, JsonNode node, String field, boolean required, Errors errors)
            throws JsonlFormatException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw errors.at(file, line, "missing field '" + field + "'");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw errors.at(file, line, "field '" + field + "' must be a string, is " + value.getNodeType());
        }
        if (value.asText().isBlank()) {
            throw errors.at(file, line, "field '" + field + "' is empty");
        }
        return value.asText();
    }
}
