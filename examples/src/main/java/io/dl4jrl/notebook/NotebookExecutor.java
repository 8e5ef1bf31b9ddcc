package io.dl4jrl.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jdk.jshell.JShell;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Runs a Java notebook ({@code .ipynb}) headless, without Python or Jupyter. Each code cell goes to JShell, snippet by
 * snippet, in a child JVM with this JVM's class path and options ({@link JShellSessions}). Each cell's standard output and
 * the images it showed ({@link Display#png}) are written back as its outputs, and the notebook is rewritten in place.
 * A cell that does not compile or throws stops the run. The error names the notebook, the cell and the snippet, and
 * the partial outputs are kept in the file, as {@code nbconvert --execute} does.
 *
 * <p>Why JShell and not the JJava kernel: the JShell kernel artifacts are not on Maven Central. {@code jdk.jshell} is
 * the JDK's own, and reads the same cell sources.
 */
public final class NotebookExecutor {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What one run did: cells executed and images attached. */
    public record Result(int cells, int images) {
    }

    private NotebookExecutor() {
    }

    public static Result execute(Path notebook) throws IOException {
        return execute(notebook, java.util.Map.of());
    }

    /**
     * Executes the notebook with {@code parameters} overriding its parameter cell (the code cell tagged
     * {@code parameters}, as papermill marks it): after that cell, each {@code name = value;} is run, its source
     * written as Java (a string value quoted by the caller).
     */
    public static Result execute(Path notebook, java.util.Map<String, String> parameters) throws IOException {
        ObjectNode root;
        try {
            JsonNode node = JSON.readTree(Files.readString(notebook, StandardCharsets.UTF_8));
            if (node == null || !node.isObject() || !node.path("cells").isArray()) {
                throw new NotebookException(notebook + ": not a notebook (a JSON object with a 'cells' array)");
            }
            root = (ObjectNode) node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new NotebookException(notebook + ": not JSON: " + e.getOriginalMessage(), e);
        }
        Path displays = Files.createTempDirectory("notebook-display");
        CellOutput captured = new CellOutput();
        int executed = 0;
        int images = 0;
        try (JShell shell = JShellSessions.open(displays, new PrintStream(captured, true, StandardCharsets.UTF_8))) {
            int index = 0;
            for (JsonNode cell : root.get("cells")) {
                index++;
                if (!"code".equals(cell.path("cell_type").asText())) {
                    continue;
                }
                ObjectNode code = (ObjectNode) cell;
                ArrayNode outputs = code.putArray("outputs");
                captured.reset();
                JShellSessions.Evaluation evaluation = JShellSessions.eval(shell, source(code));
                NotebookException failure = failure(evaluation, notebook, index);
                executed++;
                code.put("execution_count", executed);
                String text = captured.text();
                if (!text.isEmpty()) {
                    ObjectNode stream = outputs.addObject().put("output_type", "stream").put("name", "stdout");
                    lines(stream.putArray("text"), text);
                }
                images += attachImages(displays, outputs);
                if (evaluation.value() != null) {
                    // A cell ending in an expression shows its value, as Jupyter kernels do.
                    ObjectNode result = outputs.addObject().put("output_type", "execute_result").put("execution_count", executed);
                    lines(result.putObject("data").putArray("text/plain"), evaluation.value());
                    result.putObject("metadata");
                }
                if (failure == null && !parameters.isEmpty() && tagged(code, "parameters")) {
                    StringBuilder overrides = new StringBuilder();
                    parameters.forEach((name, value) -> overrides.append(name).append(" = ").append(value).append(";\n"));
                    failure = failure(JShellSessions.eval(shell, overrides.toString()), notebook, index);
                }
                if (failure != null) {
                    ObjectNode error = outputs.addObject().put("output_type", "error").put("ename", "CellFailed")
                            .put("evalue", failure.getMessage());
                    error.putArray("traceback").add(failure.getMessage());
                    write(notebook, root);
                    throw failure;
                }
            }
        } finally {
            try (Stream<Path> left = Files.list(displays)) {
                for (Path p : (Iterable<Path>) left::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(displays);
        }
        write(notebook, root);
        return new Result(executed, images);
    }

    /** A cell's captured standard output: the JShell session writes here, the executor reads and clears it per cell. */
    private static final class CellOutput extends java.io.OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        synchronized void reset() {
            bytes.reset();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** The evaluation's failure, naming the notebook and cell, or null. */
    private static NotebookException failure(JShellSessions.Evaluation e, Path notebook, int cell) {
        return e.failed() ? new NotebookException(String.format(Locale.ROOT, "%s: cell %d: %s", notebook, cell, e.error()), e.cause()) : null;
    }

    private static boolean tagged(ObjectNode cell, String tag) {
        for (JsonNode t : cell.path("metadata").path("tags")) {
            if (tag.equals(t.asText())) {
                return true;
            }
        }
        return false;
    }

    private static String source(ObjectNode cell) {
        JsonNode src = cell.path("source");
        if (src.isTextual()) {
            return src.asText();
        }
        StringBuilder b = new StringBuilder();
        src.forEach(line -> b.append(line.asText()));
        return b.toString();
    }

    /** Notebook text fields are arrays of lines, each with its newline. */
    private static void lines(ArrayNode into, String text) {
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            int to = nl < 0 ? text.length() : nl + 1;
            into.add(text.substring(from, to));
            from = to;
        }
    }

    private static int attachImages(Path displays, ArrayNode outputs) throws IOException {
        List<String> shown = JShellSessions.takeImages(displays);
        for (String png : shown) {
            ObjectNode display = outputs.addObject().put("output_type", "display_data");
            display.putObject("data").put("image/png", png);
            display.putObject("metadata");
        }
        return shown.size();
    }

    private static void write(Path notebook, ObjectNode root) throws IOException {
        io.dl4jrl.checkpoint.AtomicFiles.writeString(notebook, JSON.writeValueAsString(root) + "\n");
    }
}
