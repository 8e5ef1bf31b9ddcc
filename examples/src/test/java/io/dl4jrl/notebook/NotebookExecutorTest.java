package io.dl4jrl.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The headless executor on small notebooks written in the test: outputs, images from the project's classes, errors. */
class NotebookExecutorTest {
    @TempDir
    Path dir;

    static String notebook(String... cells) {
        StringBuilder b = new StringBuilder("{\"cells\": [");
        for (int i = 0; i < cells.length; i++) {
            String type = cells[i].startsWith("#md ") ? "markdown" : "code";
            String source = cells[i].replaceFirst("^#md ", "");
            b.append(i > 0 ? "," : "").append("{\"cell_type\": \"").append(type).append("\", \"metadata\": {}, \"source\": ")
                    .append(new ObjectMapper().valueToTree(source.lines().map(l -> l + "\n").toList()).toString()).append(type.equals("code")
                            ? ", \"outputs\": [], \"execution_count\": null" : "").append("}");
        }
        return b.append("], \"metadata\": {\"kernelspec\": {\"name\": \"java\", \"language\": \"java\", \"display_name\": \"Java\"}},"
                + " \"nbformat\": 4, \"nbformat_minor\": 5}").toString();
    }

    @Test
    void cellsRunInOrderAndTheirOutputAndImagesAreWrittenBack() throws Exception {
        Path png = dir.resolve("plot.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        Path nb = dir.resolve("demo.ipynb");
        Files.writeString(nb, notebook("#md # A title", "int x = 20 + 22;\nString greeting = \"answer\";",
                "System.out.println(greeting + \" \" + x);\nio.dl4jrl.notebook.Display.png(java.nio.file.Path.of(\"" + png.toString().replace("\\", "\\\\") + "\"));",
                "var cfg = io.dl4jrl.rl.RlConfig.dapo().build();\nSystem.out.println(cfg.loss().clipEpsilonHighOrLow());"));
        NotebookExecutor.Result r = NotebookExecutor.execute(nb);
        assertEquals(3, r.cells());
        assertEquals(1, r.images());
        JsonNode cells = new ObjectMapper().readTree(nb.toFile()).get("cells");
        assertEquals("answer 42\n", cells.get(2).at("/outputs/0/text/0").asText());
        assertEquals("display_data", cells.get(2).at("/outputs/1/output_type").asText());
        assertFalse(cells.get(2).at("/outputs/1/data/image~1png").asText().isEmpty());
        assertEquals("0.28\n", cells.get(3).at("/outputs/0/text/0").asText(), "the project's classes are on the class path");
        assertEquals(3, cells.get(3).get("execution_count").asInt());
        // Running again replaces the outputs rather than adding to them.
        NotebookExecutor.execute(nb);
        assertEquals(2, new ObjectMapper().readTree(nb.toFile()).get("cells").get(2).get("outputs").size());
    }

    @Test
    void aFailingCellStopsTheRunNamingItAndKeepsThePartialOutputs() throws Exception {
        Path nb = dir.resolve("bad.ipynb");
        Files.writeString(nb, notebook("System.out.println(\"before\");", "int y = undefinedName + 1;", "System.out.println(\"never\");"));
        NotebookException e = assertThrows(NotebookException.class, () -> NotebookExecutor.execute(nb));
        assertTrue(e.getMessage().contains("bad.ipynb: cell 2: does not compile") && e.getMessage().contains("undefinedName"), e.getMessage());
        JsonNode cells = new ObjectMapper().readTree(nb.toFile()).get("cells");
        assertEquals("before\n", cells.get(0).at("/outputs/0/text/0").asText());
        assertEquals("error", cells.get(1).at("/outputs/0/output_type").asText());
        Files.writeString(nb, notebook("throw new IllegalStateException(\"boom\");"));
        e = assertThrows(NotebookException.class, () -> NotebookExecutor.execute(nb));
        assertTrue(e.getMessage().contains("cell 1: java.lang.IllegalStateException: boom"), e.getMessage());
        Files.writeString(nb, "[]");
        assertThrows(NotebookException.class, () -> NotebookExecutor.execute(nb));
    }

    @Test
    void aLaterImportKeepsEarlierVariables() throws Exception {
        // Under JShell's in-process engine the import made JShell recompile 'tok' and it read null afterwards.
        Path nb = dir.resolve("imports.ipynb");
        Files.writeString(nb, notebook("import io.dl4jrl.text.CharTokenizer;\nvar tok = new CharTokenizer();",
                "import io.dl4jrl.task.*;\nimport io.dl4jrl.train.*;\nSystem.out.println(tok != null);"));
        NotebookExecutor.execute(nb);
        assertEquals("true\n", new ObjectMapper().readTree(nb.toFile()).get("cells").get(1).at("/outputs/0/text/0").asText());
    }
}
