package io.dl4jrl.cli;

import io.dl4jrl.notebook.NotebookExecutor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** Executes Java notebooks headless (no Python, no Jupyter) and writes their outputs back into the files. */
@Command(name = "notebook", mixinStandardHelpOptions = true,
        description = "Execute notebooks headless in JShell and rewrite their outputs: notebook [FILE.ipynb...] (default: every notebook in examples/notebooks)")
final class NotebookCommand implements Callable<Integer> {
    @Parameters(description = "notebooks to execute (default: examples/notebooks/*.ipynb, in name order)", arity = "0..*")
    List<Path> notebooks = new ArrayList<>();
    @picocli.CommandLine.Option(names = "--set", description = "NAME=VALUE: overrides a variable of each notebook's parameter cell "
            + "(the code cell tagged 'parameters'), VALUE written as Java, e.g. --set sftSteps=20 (default: none)")
    java.util.Map<String, String> parameters = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() throws IOException {
        List<Path> files = new ArrayList<>(notebooks);
        if (files.isEmpty()) {
            Path folder = Path.of("examples", "notebooks");
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("no notebooks given and no folder " + folder + " (run from the repository root)");
            }
            try (Stream<Path> list = Files.list(folder)) {
                list.filter(p -> p.toString().endsWith(".ipynb")).sorted().forEach(files::add);
            }
        }
        for (Path nb : files) {
            io.dl4jrl.checkpoint.ReadableFiles.require(nb, "notebook");
            long t0 = System.nanoTime();
            NotebookExecutor.Result r = NotebookExecutor.execute(nb, parameters);
            System.out.printf(Locale.ROOT, "executed %s: %d code cells, %d images (%.0f s)%n", nb, r.cells(), r.images(),
                    (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
