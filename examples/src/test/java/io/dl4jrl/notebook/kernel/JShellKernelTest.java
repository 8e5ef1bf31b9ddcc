package io.dl4jrl.notebook.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The Jupyter kernel's evaluation, completion and completeness answers, called directly (no sockets), and its kernelspec. */
class JShellKernelTest {
    static JShellKernel kernel;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        kernel = JShellKernel.create();
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
    }

    @Test
    void cellsShareStateAndAnExpressionIsTheCellsValue() {
        assertNull(kernel.evalRaw("int x = 20 + 22;\nimport io.dl4jrl.text.CharTokenizer;\nvar tok = new CharTokenizer();"));
        assertEquals("84", kernel.evalRaw("import io.dl4jrl.task.*;\nx * 2"));
        assertEquals("true", kernel.evalRaw("tok != null"), "a later import keeps earlier variables");
        assertEquals("0.28", kernel.evalRaw("io.dl4jrl.rl.RlConfig.dapo().build().loss().clipEpsilonHighOrLow()"), "the project's classes");
    }

    @Test
    void aFailingCellIsAnErrorNamingTheSnippet() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> kernel.evalRaw("int y = undefinedName + 1;"));
        assertTrue(e.getMessage().startsWith("does not compile") && e.getMessage().contains("undefinedName"), e.getMessage());
        e = assertThrows(RuntimeException.class, () -> kernel.evalRaw("throw new IllegalStateException(\"boom\");"));
        assertTrue(e.getMessage().contains("java.lang.IllegalStateException: boom"), e.getMessage());
        assertEquals(1, kernel.formatError(e).size(), "the message, not the kernel's own stack");
    }

    @Test
    void completenessAndCompletionComeFromJShell() {
        assertEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("int z = 1;"));
        assertEquals("    ", kernel.isComplete("for (int i = 0; i < 3; i++) {"), "incomplete: the next line's indent");
        ReplacementOptions o = kernel.complete("String s = \"a\"; s.toUpperC", 26);
        assertTrue(o.getReplacements().stream().anyMatch(r -> r.startsWith("toUpperCase")), o.getReplacements().toString());
        assertEquals(18, o.getSourceStart());
    }

    @Test
    void theKernelspecStartsThisKernelWithThisClassPathAndKeepsAnotherKernels() throws Exception {
        Path file = KernelSpec.install(dir, "java", false);
        JsonNode spec = new ObjectMapper().readTree(file.toFile());
        assertEquals("java", spec.get("language").asText());
        String argv = spec.get("argv").toString();
        assertTrue(argv.contains(KernelMain.class.getName()) && argv.contains("{connection_file}") && argv.contains("-cp"), argv);
        KernelSpec.install(dir, "java", false); // its own kernelspec is replaced without --overwrite
        Files.writeString(file, "{\"argv\": [\"java\", \"-jar\", \"jjava.jar\", \"{connection_file}\"], \"language\": \"java\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelSpec.install(dir, "java", false));
        assertTrue(e.getMessage().contains("another kernel's") && e.getMessage().contains("--name"), e.getMessage());
        assertTrue(Files.readString(file).contains("jjava.jar"), "the other kernel's spec is kept");
        assertThrows(IllegalArgumentException.class, () -> KernelSpec.install(dir, "../evil", false));
    }
}
