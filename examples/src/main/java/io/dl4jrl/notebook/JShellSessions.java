package io.dl4jrl.notebook;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JShell sessions notebooks run in, for the headless executor and the Jupyter kernel alike: JShell's default
 * execution engine, a child JVM started with this JVM's memory and system-property options and its class path.
 *
 * <p>Why a child JVM and not JShell's in-process ("local") engine: when a later snippet adds an import that could
 * change how an earlier declaration resolves, JShell recompiles that declaration. The child-JVM engine redefines the
 * class in place and keeps the variable's value. The local engine cannot redefine classes, so it loads a new one and
 * the variable reads {@code null} from then on: {@code var tok = new CharTokenizer();} then {@code import
 * io.dl4jrl.task.*;} left {@code tok} null (NotebookExecutorTest.aLaterImportKeepsEarlierVariables). A child JVM also
 * gives each notebook a fresh ND4J and its own heap.
 */
public final class JShellSessions {
    private JShellSessions() {
    }

    /**
     * A session whose standard output goes to {@code out}; images shown with {@link Display#png} are copied into
     * {@code displays}.
     */
    public static JShell open(Path displays, PrintStream out) {
        List<String> options = new ArrayList<>(inheritedOptions());
        options.add("-D" + Display.DISPLAY_DIR + "=" + displays.toAbsolutePath());
        // The class path goes to the child's command line and the compiler in one string: adding its ~200 jars one
        // addToClasspath call at a time took seconds (a round trip to the child and a compiler reset each).
        String classPath = System.getProperty("java.class.path");
        options.add("--class-path");
        options.add(classPath);
        JShell shell = JShell.builder().out(out).err(System.err).remoteVMOptions(options.toArray(String[]::new))
                .compilerOptions("--class-path", classPath).build();
        // The child JVM outlives a parent stopped by a signal (Ctrl-C, kill) while a cell computes: it notices the
        // closed connection only at its next output. Closing the session on the way out stops it.
        Thread closer = new Thread(shell::close, "jshell-session-closer");
        Runtime.getRuntime().addShutdownHook(closer);
        shell.onShutdown(closed -> {
            try {
                Runtime.getRuntime().removeShutdownHook(closer);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: nothing to remove
            }
        });
        return shell;
    }

    /**
     * This JVM's heap and system-property options ({@code -Xmx8g}, {@code -Dorg.bytedeco.javacpp.maxPhysicalBytes=0}
     * from the launcher), so code in the child behaves as it would here; debugger and agent options are left out.
     */
    public static List<String> inheritedOptions() {
        List<String> kept = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            boolean memory = a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-Xss") || a.startsWith("-XX:MaxDirectMemorySize");
            boolean property = a.startsWith("-D") && !a.startsWith("-D" + Display.DISPLAY_DIR + "=");
            if (memory || property) {
                kept.add(a);
            }
        }
        return kept;
    }

    /**
     * What a cell's evaluation gave: the value of its last snippet when that was an expression with no closing
     * {@code ;} ({@code null} otherwise), or the first failure, which names the snippet, with the exception thrown in the child when there
     * was one.
     */
    public record Evaluation(String value, String error, Throwable cause) {
        public boolean failed() {
            return error != null;
        }
    }

    /** Evaluates {@code source} snippet by snippet, as JShell splits it, stopping at the first that fails. */
    public static Evaluation eval(JShell shell, String source) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = source;
        String value = null;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            String snippet = info.source() != null && !info.source().isBlank() ? info.source() : remaining;
            value = null;
            for (SnippetEvent event : shell.eval(snippet)) {
                if (event.status() == Snippet.Status.REJECTED) {
                    StringBuilder why = new StringBuilder();
                    shell.diagnostics(event.snippet()).forEach(d -> why.append(message(d)).append("; "));
                    return new Evaluation(null, String.format(Locale.ROOT, "does not compile: %s(in: %s)", why, firstLine(snippet)), null);
                }
                if (event.exception() != null) {
                    return new Evaluation(null, String.format(Locale.ROOT, "%s (in: %s)", describe(event.exception()), firstLine(snippet)),
                            event.exception());
                }
                Snippet.SubKind sub = event.snippet().subKind();
                // As in IJava and JJava: a trailing expression is the cell's value only when no ';' ends it.
                if (event.causeSnippet() == null && !snippet.strip().endsWith(";") && (sub == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                        || sub == Snippet.SubKind.OTHER_EXPRESSION_SUBKIND || sub == Snippet.SubKind.VAR_VALUE_SUBKIND)) {
                    value = event.value();
                }
            }
            remaining = info.remaining() == null ? "" : info.remaining();
            if (info.source() == null || info.source().isBlank()) {
                break;
            }
        }
        return new Evaluation(value, null, null);
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

    /** The PNGs shown since the last call, base64-encoded in the order shown; their files are removed. */
    public static List<String> takeImages(Path displays) throws java.io.IOException {
        List<Path> shown = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(displays)) {
            files.sorted().forEach(shown::add);
        }
        List<String> images = new ArrayList<>();
        for (Path png : shown) {
            images.add(java.util.Base64.getEncoder().encodeToString(java.nio.file.Files.readAllBytes(png)));
            java.nio.file.Files.delete(png);
        }
        return images;
    }
}
