package io.dl4jrl.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The library as a user gets it: installs this build's modules (the BOM, the parent, samediff-graphs, dl4j-rl-llm) into
 * the local repository, then builds a separate Maven project ({@code src/test/resources/consumer-project}: the BOM import
 * and one dependency, as the README says) against the installed artifacts and runs it in its own JVM: SFT, a GRPO
 * iteration, a checkpoint saved and reloaded. It proves the published POMs carry everything a user needs (the CPU
 * backend at runtime scope, the pinned stack) and nothing only this build's reactor provides.
 */
class ConsumerProjectIT {
    @TempDir
    Path dir;

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void aUsersProjectBuildsAndTrainsOnTheInstalledArtifacts() throws Exception {
        String version = property("consumer.version");
        Path repo = Path.of(property("consumer.localRepository"));
        maven(ROOT, "install", "-DskipTests", "-pl", "dl4j-rl-llm", "-am");
        Path installed = repo.resolve("io/dl4jrl/dl4j-rl-llm/" + version + "/dl4j-rl-llm-" + version + ".jar");
        assertTrue(Files.isRegularFile(installed), "installed: " + installed);
        assertTrue(Files.isRegularFile(repo.resolve("io/dl4jrl/dl4j-rl-llm-bom/" + version + "/dl4j-rl-llm-bom-" + version + ".pom")));

        Path project = dir.resolve("consumer");
        copyTemplate(Path.of("src/test/resources/consumer-project"), project, version);
        maven(project, "compile", "dependency:build-classpath", "-Dmdep.outputFile=classpath.txt", "-Dmdep.includeScope=runtime");
        String classpath = Files.readString(project.resolve("classpath.txt")).trim();
        List<String> entries = Arrays.asList(classpath.split(java.io.File.pathSeparator));
        assertTrue(entries.contains(installed.toString()), "the installed jar, not the reactor's classes: " + classpath);
        assertTrue(entries.stream().anyMatch(e -> e.endsWith("nd4j-native-1.0.0-M2.1-linux-x86_64.jar")), "the CPU backend came with it: " + classpath);
        assertTrue(entries.stream().anyMatch(e -> e.endsWith("jackson-databind-2.18.2.jar")), "Jackson held to the BOM's version: " + classpath);

        String printed = run(project, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                project.resolve("target/classes") + java.io.File.pathSeparator + classpath, "org.example.Consumer", dir.toString()));
        assertTrue(printed.contains("backend CpuBackend, sft steps 3, grpo iterations 1, held-out problems 4"), printed);
    }

    private static String property(String name) {
        String v = System.getProperty(name);
        assertNotNull(v, name + " is set by tests/pom.xml's surefire configuration");
        return v;
    }

    private void maven(Path in, String... goals) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(property("consumer.mavenHome"), "bin", "mvn").toString(), "-B", "-q",
                "-Dmaven.repo.local=" + property("consumer.localRepository")));
        command.addAll(List.of(goals));
        run(in, command);
    }

    private String run(Path in, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "process", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " ran past 10 minutes");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " in " + in + ":\n" + out);
        return out;
    }

    private static void copyTemplate(Path from, Path to, String version) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.writeString(target, Files.readString(f).replace("@DL4JRL_VERSION@", version));
                }
            }
        }
    }
}
