package io.dl4jrl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dl4jrl.notebook.NotebookExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The quickstart notebook as shipped, executed headless at its smallest parameters (a copy: the committed outputs stay). */
class NotebookIT {
    @TempDir
    Path dir;

    @Test
    void quickstartRunsTopToBottomWithItsPlot() throws Exception {
        Path shipped = Path.of("..", "examples", "notebooks", "01-quickstart.ipynb");
        Path copy = dir.resolve("01-quickstart.ipynb");
        Files.copy(shipped, copy);
        NotebookExecutor.Result r = NotebookExecutor.execute(copy, Map.of("sftSteps", "20", "rlIterations", "1", "heldOut", "10"));
        assertEquals(5, r.cells());
        assertEquals(1, r.images(), "the learning curves");
        JsonNode cells = new ObjectMapper().readTree(copy.toFile()).get("cells");
        StringBuilder text = new StringBuilder();
        cells.forEach(c -> c.path("outputs").forEach(o -> o.path("text").forEach(t -> text.append(t.asText()))));
        assertTrue(text.toString().contains("after 20 SFT steps") && text.toString().contains("after 1 GRPO iterations"), text.toString());
    }
}
