package io.dl4jrl.notebook.kernel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel process Jupyter starts ({@code kernel.json}'s argv, written by {@code ./rl-llm install-kernel}): reads
 * the connection file Jupyter passes, serves the five channels with {@link JShellKernel}, and exits when Jupyter
 * shuts the kernel down.
 */
public final class KernelMain {
    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KernelMain CONNECTION_FILE (Jupyter passes {connection_file})");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        if (!Files.isRegularFile(file)) {
            System.err.println("no connection file " + file.toAbsolutePath());
            System.exit(2);
        }
        KernelConnectionProperties properties = KernelConnectionProperties.parse(Files.readString(file, StandardCharsets.UTF_8));
        JupyterConnection connection = new JupyterConnection(properties);
        JShellKernel kernel = JShellKernel.create();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        System.exit(0);
    }
}
