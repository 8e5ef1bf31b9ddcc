package io.dl4jrl.notebook.kernel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Writes the Jupyter kernelspec ({@code kernels/NAME/kernel.json}) that starts {@link KernelMain} with this JVM's
 * Java, options and class path, so Jupyter and {@code nbconvert --execute} find the kernel by the name the
 * notebooks' metadata give ({@code java}).
 */
public final class KernelSpec {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private KernelSpec() {
    }

    /** Jupyter's per-user kernels folder: {@code $JUPYTER_DATA_DIR/kernels}, else the platform's default data dir. */
    public static Path userKernelsDir() {
        String data = System.getenv("JUPYTER_DATA_DIR");
        if (data != null && !data.isBlank()) {
            return Path.of(data, "kernels");
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path home = Path.of(System.getProperty("user.home"));
        if (os.contains("mac")) {
            return home.resolve("Library/Jupyter/kernels");
        }
        if (os.contains("win")) {
            String appData = System.getenv("APPDATA");
            return Path.of(appData != null ? appData : home.toString(), "jupyter", "kernels");
        }
        return home.resolve(".local/share/jupyter/kernels");
    }

    /**
     * Writes {@code kernelsDir/name/kernel.json} (atomically). A kernelspec of that name that is not this kernel's
     * (the upstream JJava kernel is also named {@code java}) is kept unless {@code overwrite}.
     *
     * @return the file written
     */
    public static Path install(Path kernelsDir, String name, boolean overwrite) throws IOException {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("--name must be letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        Path dir = kernelsDir.resolve(name);
        Path file = dir.resolve("kernel.json");
        if (Files.exists(file) && !overwrite && !Files.readString(file, StandardCharsets.UTF_8).contains(KernelMain.class.getName())) {
            throw new IllegalArgumentException(file + " is another kernel's; keep it and give --name for this one (then run nbconvert with "
                    + "--ExecutePreprocessor.kernel_name=NAME), or replace it with --overwrite");
        }
        ObjectNode spec = JSON.createObjectNode();
        ArrayNode argv = spec.putArray("argv");
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        io.dl4jrl.notebook.JShellSessions.inheritedOptions().forEach(argv::add);
        argv.add("-cp").add(absoluteClassPath());
        argv.add(KernelMain.class.getName()).add("{connection_file}");
        spec.put("display_name", "Java (dl4j-rl-llm)");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        String threads = System.getenv("OMP_NUM_THREADS");
        spec.putObject("env").put("OMP_NUM_THREADS", threads != null ? threads : "1");
        Files.createDirectories(dir);
        Path tmp = dir.resolve("kernel.json.tmp");
        Files.writeString(tmp, JSON.writeValueAsString(spec), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static String absoluteClassPath() {
        List<String> entries = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isBlank()).map(e -> Path.of(e).toAbsolutePath().normalize().toString()).toList();
        return String.join(File.pathSeparator, entries);
    }
}
