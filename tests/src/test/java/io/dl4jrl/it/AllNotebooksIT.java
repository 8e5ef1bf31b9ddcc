package io.dl4jrl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dl4jrl.notebook.NotebookExecutor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every shipped notebook executed headless at its defaults, on a copy (the committed outputs stay): {@code mvn
 * -Pnotebooks test -pl tests} after {@code mvn install -DskipTests}. Not in the default run, which executes notebook 01 at its smallest settings
 * ({@link NotebookIT}).
 */
@EnabledIfSystemProperty(named = "notebooks.all", matches = "true")
class AllNotebooksIT {
    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsTopToBottom() throws Exception {
        Path folder = Path.of("..", "examples", "notebooks");
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(folder)) {
            notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertTrue(notebooks.size() >= 6, "notebooks in " + folder + ": " + notebooks);
        return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
            Path copy = dir.resolve(nb.getFileName());
            Files.copy(nb, copy);
            NotebookExecutor.Result r = NotebookExecutor.execute(copy);
            JsonNode cells = new ObjectMapper().readTree(copy.toFile()).get("cells");
            int code = 0;
            for (JsonNode c : cells) {
                if (c.path("cell_type").asText().equals("code")) {
                    code++;
                    assertFalse(c.path("outputs").toString().contains("\"output_type\":\"error\""), nb + ": " + c);
                }
            }
            assertEquals(code, r.cells(), "every code cell ran");
            assertTrue(r.images() >= 1, nb + " shows a plot");
        }));
    }
}
