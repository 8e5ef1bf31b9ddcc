package io.dl4jrl.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading Hugging Face JSON files ({@code config.json}, {@code tokenizer_config.json}, ...), every error naming the file
 * and the field.
 */
public final class HfConfigJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfConfigJson() {
    }

    public static JsonNode read(Path file) throws IOException {
        JsonNode c;
        try {
            c = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (c == null || !c.isObject()) {
            throw new IOException(file + ": must be a JSON object");
        }
        return c;
    }

    /**
     * A special token as tokenizer configs write it: a string, or an object with its {@code content}; {@code null}
     * when absent.
     */
    public static String specialToken(JsonNode c, String field, Path file) throws IOException {
        JsonNode t = c.get(field);
        if (t == null || t.isNull()) {
            return null;
        }
        String content = t.isTextual() ? t.asText() : t.path("content").isTextual() ? t.get("content").asText() : null;
        if (content == null) {
            throw new IOException(file + ": " + field + " must be a string or an object with 'content'");
        }
        return content;
    }

    /** config.json's {@code torch_dtype} for weights written as {@code dtype}. */
    static String torchDtype(SafetensorsDtype dtype) {
        return switch (dtype) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        };
    }

    static int integer(JsonNode c, String field, Path file) throws IOException {
        JsonNode v = c.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IOException(file + ": field '" + field + "' must be an integer" + (v == null ? " (missing)" : ", got " + v));
        }
        return v.asInt();
    }

    static String text(JsonNode c, String field, String fallback, Path file) throws IOException {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            if (fallback == null) throw new IOException(file + ": field '" + field + "' is missing");
            return fallback;
        }
        if (!v.isTextual()) throw new IOException(file + ": field '" + field + "' must be a string, got " + v);
        return v.asText();
    }

    static double number(JsonNode c, String field, Path file) throws IOException {
        if (c.get(field) == null || c.get(field).isNull()) {
            throw new IOException(file + ": field '" + field + "' must be a number (missing)");
        }
        return number(c, field, Double.NaN, file);
    }

    static double number(JsonNode c, String field, double fallback, Path file) throws IOException {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isNumber()) throw new IOException(file + ": field '" + field + "' must be a number, got " + v);
        return v.asDouble();
    }
}
