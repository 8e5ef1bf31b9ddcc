package io.dl4jrl.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

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
 * snippet, in this JVM (JShell's local execution engine) with this JVM's class path. Each cell's standard output and
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
        String previous = System.getProperty(Display.DISPLAY_DIR);
        System.setProperty(Display.DISPLAY_DIR, displays.toString());
        PrintStream stdout = System.out;
        int executed = 0;
        int images = 0;
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    shell.addToClasspath(entry);
                }
            }
            int index = 0;
            for (JsonNode cell : root.get("cells")) {
                index++;
                if (!"code".equals(cell.path("cell_type").asText())) {
                    continue;
                }
                ObjectNode code = (ObjectNode) cell;
                ArrayNode outputs = code.putArray("outputs");
                ByteArrayOutputStream captured = new ByteArrayOutputStream();
                NotebookException failure = null;
                System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
                try {
                    failure = run(shell, source(code), notebook, index);
                } finally {
                    System.out.flush();
                    System.setOut(stdout);
                }
                executed++;
                code.put("execution_count", executed);
                String text = captured.toString(StandardCharsets.UTF_8);
                if (!text.isEmpty()) {
                    ObjectNode stream = outputs.addObject().put("output_type", "stream").put("name", "stdout");
                    lines(stream.putArray("text"), text);
                }
                images += attachImages(displays, outputs);
                if (failure == null && !parameters.isEmpty() && tagged(code, "parameters")) {
                    StringBuilder overrides = new StringBuilder();
                    parameters.forEach((name, value) -> overrides.append(name).append(" = ").append(value).append(";\n"));
                    failure = run(shell, overrides.toString(), notebook, index);
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
            System.setOut(stdout);
            if (previous == null) {
                System.clearProperty(Display.DISPLAY_DIR);
            } else {
                System.setProperty(Display.DISPLAY_DIR, previous);
            }
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

    /** Evaluates a cell snippet by snippet; the failure, or null. */
    private static NotebookException run(JShell shell, String source, Path notebook, int cell) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = source;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            String snippet = info.source() != null && !info.source().isBlank() ? info.source() : remaining;
            for (SnippetEvent event : shell.eval(snippet)) {
                if (event.status() == Snippet.Status.REJECTED) {
                    StringBuilder why = new StringBuilder();
                    shell.diagnostics(event.snippet()).forEach(d -> why.append(message(d)).append("; "));
                    return new NotebookException(String.format(Locale.ROOT, "%s: cell %d: does not compile: %s(in: %s)", notebook, cell, why,
                            firstLine(snippet)));
                }
                if (event.exception() != null) {
                    return new NotebookException(String.format(Locale.ROOT, "%s: cell %d: %s (in: %s)", notebook, cell, describe(event.exception()),
                            firstLine(snippet)), event.exception());
                }
            }
            remaining = info.remaining() == null ? "" : info.remaining();
            if (info.source() == null || info.source().isBlank()) {
                break;
            }
        }
        return null;
    }

    private static boolean tagged(ObjectNode cell, String tag) {
        for (JsonNode t : cell.path("metadata").path("tags")) {
            if (tag.equals(t.asText())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        if (e instanceof jdk.jshell.EvalException ee) {
            return ee.getExceptionClassName() + (ee.getMessage() == null ? "" : ": " + ee.getMessage());
        }
        return e.toString();
    }

    private static String message(Diag d) {
        return d.getMessage(Locale.ROOT);
    }

    private static String firstLine(String snippet) {
        String line = snippet.strip().lines().findFirst().orElse("");
        return line.length() > 80 ? line.substring(0, 80) + "..." : line;
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
        List<Path> shown = new ArrayList<>();
        try (Stream<Path> files = Files.list(displays)) {
            files.sorted().forEach(shown::add);
        }
        for (Path png : shown) {
            ObjectNode display = outputs.addObject().put("output_type", "display_data");
            display.putObject("data").put("image/png", Base64.getEncoder().encodeToString(Files.readAllBytes(png)));
            display.putObject("metadata");
            Files.delete(png);
        }
        return shown.size();
    }

    private static void write(Path notebook, ObjectNode root) throws IOException {
        io.dl4jrl.checkpoint.AtomicFiles.writeString(notebook, JSON.writeValueAsString(root) + "\n");
    }
}
