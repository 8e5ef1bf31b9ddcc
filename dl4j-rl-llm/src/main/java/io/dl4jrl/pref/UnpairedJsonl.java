package io.dl4jrl.pref;

import io.dl4jrl.task.JsonlFormatException;
import io.dl4jrl.task.JsonlRows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Unpaired preference data as JSONL (TRL's unpaired format), one object per line: {@code prompt} and {@code completion}
 * (non-empty strings), {@code label} (true: desirable, false: undesirable), optional {@code id} (default
 * {@code <file stem>-<row>}, unique) and {@code answer}. A malformed line stops the load naming the file, line and field.
 */
public final class UnpairedJsonl {
    private UnpairedJsonl() {
    }

    public static List<UnpairedExample> load(Path file) throws IOException {
        Set<String> ids = new HashSet<>();
        String stem = file.getFileName().toString().replaceFirst("\\.jsonl?$", "");
        return JsonlRows.read(file, "fields 'prompt', 'completion' and 'label'", JsonlFormatException::new, (node, line, index) -> {
            String prompt = JsonlRows.text(file, line, node, "prompt", true, JsonlFormatException::new);
            String completion = JsonlRows.text(file, line, node, "completion", true, JsonlFormatException::new);
            var label = node.get("label");
            if (label == null || !label.isBoolean()) {
                throw new JsonlFormatException(file, line, "field 'label' must be true (desirable) or false (undesirable)"
                        + (label == null ? ", and is missing" : ", got " + label));
            }
            String id = JsonlRows.text(file, line, node, "id", false, JsonlFormatException::new);
            String answer = JsonlRows.text(file, line, node, "answer", false, JsonlFormatException::new);
            UnpairedExample e = new UnpairedExample(id == null ? stem + "-" + index : id, prompt, completion, label.asBoolean(), answer);
            if (!ids.add(e.id())) {
                throw new JsonlFormatException(file, line, "duplicate id '" + e.id() + "'");
            }
            return e;
        });
    }
}
