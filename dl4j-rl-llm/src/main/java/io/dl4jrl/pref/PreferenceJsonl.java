package io.dl4jrl.pref;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.task.JsonlFormatException;
import io.dl4jrl.task.JsonlRows;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Set<String> ids = new HashSet<>();
        String stem = file.getFileName().toString().replaceFirst("\\.jsonl?$", "");
        return JsonlRows.read(file, "fields 'prompt', 'chosen' and 'rejected'", JsonlFormatException::new, (node, line, index) -> {
            PreferencePair p = parse(file, line, node, stem + "-" + index);
            if (!ids.add(p.id())) {
                throw new JsonlFormatException(file, line, "duplicate id '" + p.id() + "'");
            }
            return p;
        });
    }

    /** Writes the pairs atomically (a temporary file moved into place), one JSON object per line. */
    public static void write(Path file, List<PreferencePair> pairs) throws IOException {
        io.dl4jrl.checkpoint.AtomicFiles.write(file, tmp -> {
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
        });
    }

    private static PreferencePair parse(Path file, int lineNo, JsonNode node, String defaultId) throws JsonlFormatException {
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
        return JsonlRows.text(file, lineNo, node, field, required, JsonlFormatException::new);
    }
}
