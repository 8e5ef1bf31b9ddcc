package io.dl4jrl.cli;

import io.dl4jrl.notebook.kernel.KernelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Installs the project's Jupyter kernel, so Jupyter and nbconvert run the notebooks. */
@Command(name = "install-kernel", mixinStandardHelpOptions = true,
        description = "Install the Java notebook kernel (JShell on jjava-jupyter, with this build's class path) for Jupyter and nbconvert")
final class InstallKernelCommand implements Callable<Integer> {
    @Option(names = "--name", description = "kernelspec name; the notebooks' metadata name 'java' (default: ${DEFAULT-VALUE})")
    String name = "java";
    @Option(names = "--dir", description = "kernels folder (default: $JUPYTER_DATA_DIR/kernels, else the user's Jupyter data dir, "
            + "e.g. ~/.local/share/jupyter/kernels)")
    Path dir;
    @Option(names = "--overwrite", description = "replace another kernel's kernelspec of the same name (default: ${DEFAULT-VALUE})")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Path file = KernelSpec.install(dir != null ? dir : KernelSpec.userKernelsDir(), name, overwrite);
        System.out.println("installed kernel '" + name + "': " + file);
        System.out.println("run a notebook: jupyter nbconvert --to notebook --execute --inplace examples/notebooks/01-quickstart.ipynb");
        return 0;
    }
}
