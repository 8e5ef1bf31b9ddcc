package io.dl4jrl.pref;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.task.JsonlFormatException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Preference data as JSONL, one object per line: string fields {@code prompt}, {@code chosen}, {@code rejected}
 * (required, non-empty, chosen ≠ rejected), {@code id} and {@code answer} (optional; ids default to
 * {@code <file stem>-<row>} and must be unique). Blank lines are skipped; any other malformed line stops the load
 * with a {@link JsonlFormatException} naming the file, the line and the field.
 */
public final class PreferenceJsonl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PreferenceJsonl() {
    }

    public static List<PreferencePair> load(Path file) throws IOException {
        List<PreferencePair> pairs = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String stem = file.getFileName().toString().replaceFirst("\\.jsonl?$", "");
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                PreferencePair p = parse(file, lineNo, line, stem + "-" + pairs.size());
                if (!ids.add(p.id())) {
                    throw new JsonlFormatException(file, lineNo, "duplicate id '" + p.id() + "'");
                }
                pairs.add(p);
            }
        }
        return pairs;
    }

    /** Writes the pairs atomically (a temporary file moved into place), one JSON object per line. */
    public static void write(Path file, List<PreferencePair> pairs) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = io.dl4jrl.checkpoint.AtomicFiles.temporaryBeside(file);
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (PreferencePair p : pairs) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", p.id());
                o.put("prompt", p.prompt());
                o.put("chosen", p.chosen());
                o.put("rejected", p.rejected());
                if (p.answer() != null) {
                    o.put("answer", p.answer());
                }
                w.write(JSON.writeValueAsString(o));
                w.write('\n');
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static PreferencePair parse(Path file, int lineNo, String line, String defaultId) throws JsonlFormatException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new JsonlFormatException(file, lineNo, "not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new JsonlFormatException(file, lineNo, "expected a JSON object with fields 'prompt', 'chosen' and 'rejected'");
        }
        String prompt = text(file, lineNo, node, "prompt", true);
        String chosen = text(file, lineNo, node, "chosen", true);
        String rejected = text(file, lineNo, node, "rejected", true);
        if (chosen.equals(rejected)) {
            throw new JsonlFormatException(file, lineNo, "fields 'chosen' and 'rejected' are the same text");
        }
        String id = text(file, lineNo, node, "id", false);
        String answer = text(file, lineNo, node, "answer", false);
        return new PreferencePair(id == null ? defaultId : id, prompt, chosen, rejected, answer);
    }

    private static String text(Path file, int lineNo, JsonNode node, String field, boolean required) throws JsonlFormatException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new JsonlFormatException(file, lineNo, "missing field '" + field + "'");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new JsonlFormatException(file, lineNo, "field '" + field + "' must be a string, is " + value.getNodeType());
        }
        if (value.asText().isBlank()) {
            throw new JsonlFormatException(file, lineNo, "field '" + field + "' is empty");
        }
        return value.asText();
    }
}
