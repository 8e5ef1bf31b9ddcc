package io.dl4jrl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dl4jrl.notebook.kernel.KernelSpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Jupyter kernel under real Jupyter: its kernelspec installed into a scratch Jupyter data dir, and {@code jupyter
 * nbconvert --execute} running a notebook that uses the project's classes and shows a plot. Skipped where Jupyter is
 * not installed (Debian: {@code apt install jupyter-nbconvert python3-nbclient}).
 */
class JupyterKernelIT {
    @TempDir
    Path dir;

    @Test
    void nbconvertExecutesANotebookWithThisKernel() throws Exception {
        Assumptions.assumeTrue(onPath("jupyter-nbconvert"), "Jupyter's nbconvert is not installed");
        Path data = dir.resolve("jupyter-data");
        KernelSpec.install(data.resolve("kernels"), "java", false);
        Path nb = dir.resolve("kernel.ipynb");
        Files.writeString(nb, notebook("int x = 20 + 22;\nSystem.out.println(\"x is \" + x);",
                "import io.dl4jrl.text.CharTokenizer;\nvar tok = new CharTokenizer();\nimport io.dl4jrl.task.*;\ntok.vocabSize() > 0",
                "var png = java.nio.file.Files.createTempFile(\"plot\", \".png\");\n"
                        + "var chart = new org.knowm.xchart.XYChartBuilder().width(100).height(80).build();\n"
                        + "chart.addSeries(\"y\", new double[]{0, 1}, new double[]{1, 0});\n"
                        + "org.knowm.xchart.BitmapEncoder.saveBitmap(chart, png.toString(), org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG);\n"
                        + "io.dl4jrl.notebook.Display.png(png);"), StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder("jupyter-nbconvert", "--to", "notebook", "--execute", "--inplace", nb.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nbconvert.log").toFile());
        pb.environment().put("JUPYTER_DATA_DIR", data.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "nbconvert finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("nbconvert.log")));
        JsonNode cells = new ObjectMapper().readTree(nb.toFile()).get("cells");
        assertEquals("x is 42\n", text(cells.get(0).at("/outputs/0/text")));
        assertEquals("true", text(cells.get(1).at("/outputs/0/data/text~1plain")));
        assertFalse(cells.get(2).at("/outputs/0/data/image~1png").asText().isEmpty(), cells.get(2).toString());
    }

    /** nbformat text: a string, or a list of lines. */
    private static String text(JsonNode node) {
        if (!node.isArray()) {
            return node.asText();
        }
        StringBuilder b = new StringBuilder();
        node.forEach(line -> b.append(line.asText()));
        return b.toString();
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private static String notebook(String... cells) {
        ObjectMapper json = new ObjectMapper();
        var root = json.createObjectNode();
        var list = root.putArray("cells");
        for (int i = 0; i < cells.length; i++) {
            var c = list.addObject().put("cell_type", "code").put("id", "c" + i).putNull("execution_count");
            c.putObject("metadata");
            c.putArray("outputs");
            c.put("source", cells[i]);
        }
        var ks = root.putObject("metadata").putObject("kernelspec");
        ks.put("name", "java").put("display_name", "Java").put("language", "java");
        root.put("nbformat", 4).put("nbformat_minor", 5);
        return root.toString();
    }
}
