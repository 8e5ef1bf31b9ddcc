package io.dl4jrl.notebook.kernel;

import io.dl4jrl.notebook.JShellSessions;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Jupyter kernel for Java on JJava's protocol library ({@code jjava-jupyter}) and the JDK's JShell: Jupyter,
 * {@code nbconvert --execute} and {@code nbclient} run the project's notebooks with it, unchanged. Cells are evaluated
 * exactly as the headless {@link io.dl4jrl.notebook.NotebookExecutor} evaluates them ({@link JShellSessions}): the same
 * child JVM with the project's class path, the same snippet splitting and error text. Standard output streams to the
 * cell, images shown with {@link io.dl4jrl.notebook.Display#png} become {@code image/png} display data, and the value
 * of a cell ending in an expression is its result. Tab completion and completeness checks come from JShell's source
 * analysis. No magics: JJava's transpile into calls on the kernel's own JVM, and cells run in a child.
 */
public final class JShellKernel extends BaseKernel {
    private final Path displays;
    private final JShell shell;

    private JShellKernel(String name, String version, HistoryManager history, JupyterIO io, CommManager comms, Renderer renderer,
                         MagicsRegistry magics, StringStyler errors, Path displays) {
        super(name, version, new LanguageInfo.Builder("Java").version(Runtime.version().toString())
                        .mimetype("text/x-java-source").fileExtension(".jshell").pygments("java").codemirror("text/x-java").build(),
                List.of(), history, io, comms, renderer, new MagicParser("^\\s*//%", "^\\s*//%%", new MagicTranspiler()), magics, false, errors);
        this.displays = displays;
        // The child's output goes to whatever System.out is at the time: the kernel points it at the executing cell.
        this.shell = JShellSessions.open(displays, new PrintStream(new OutputStream() {
            @Override
            public void write(int c) {
                System.out.write(c);
            }

            @Override
            public void write(byte[] bytes, int off, int len) {
                System.out.write(bytes, off, len);
            }

            @Override
            public void flush() {
                System.out.flush();
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** A kernel with its own JShell session; {@link #onShutdown} closes it. */
    public static JShellKernel create() throws IOException {
        return new Builder().build(Files.createTempDirectory("jshell-kernel-display"));
    }

    @Override
    public String getBanner() {
        return "Java " + Runtime.version() + " (JShell), dl4j-rl-llm notebook kernel";
    }

    @Override
    public Object evalRaw(String code) {
        JShellSessions.Evaluation e = JShellSessions.eval(shell, code);
        System.out.flush();
        showImages();
        if (e.failed()) {
            throw new CellException(e.error());
        }
        return e.value();
    }

    @Override
    public DisplayData eval(String code) {
        Object value = evalRaw(code);
        return value == null ? null : new DisplayData(value.toString());
    }

    private void showImages() {
        try {
            for (String png : JShellSessions.takeImages(displays)) {
                DisplayData d = new DisplayData();
                d.putData("image/png", png);
                display(d);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the images shown: " + e.getMessage(), e);
        }
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        List<SourceCodeAnalysis.Documentation> docs = shell.sourceCodeAnalysis().documentation(code, at, extraDetail);
        if (docs.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        docs.forEach(d -> text.append(d.signature()).append(d.javadoc() != null ? "\n" + d.javadoc() : "").append("\n"));
        return new DisplayData(text.toString());
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = new int[1];
        List<String> names = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor).stream()
                .filter(SourceCodeAnalysis.Suggestion::matchesType).map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
        if (names.isEmpty()) {
            names = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor).stream()
                    .map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
        }
        return new ReplacementOptions(names, anchor[0], at);
    }

    /** Jupyter's is_complete: complete, invalid, or incomplete (answered with the indent of the next line). */
    @Override
    public String isComplete(String code) {
        return switch (shell.sourceCodeAnalysis().analyzeCompletion(code).completeness()) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> IS_COMPLETE_YES;
            case UNKNOWN -> IS_COMPLETE_BAD;
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "    ";
        };
    }

    @Override
    public void interrupt() {
        shell.stop();
    }

    @Override
    public void onShutdown(boolean restart) {
        shell.close();
    }

    @Override
    public List<String> formatError(Throwable e) {
        return e instanceof CellException ? List.of(errorStyler.primary(e.getMessage())) : super.formatError(e);
    }

    /** A cell that did not compile or threw; the message is the executor's. */
    static final class CellException extends RuntimeException {
        CellException(String message) {
            super(message, null, false, false);
        }
    }

    static final class Builder extends BaseKernelBuilder<Builder, JShellKernel> {
        Builder() {
            name("dl4j-rl-llm");
            version("0.1.0");
        }

        @Override
        public JShellKernel build() {
            throw new UnsupportedOperationException("use JShellKernel.create()");
        }

        JShellKernel build(Path displays) {
            return new JShellKernel(buildName(), buildVersion(), buildHistoryManager(), buildJupyterIO(buildJupyterIOEncoding()),
                    buildCommManager(), buildRenderer(), buildMagicsRegistry(), buildErrorStyler(), displays);
        }
    }
}
