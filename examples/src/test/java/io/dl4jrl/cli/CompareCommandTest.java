package io.dl4jrl.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code compare} over seeds: the Markdown table's mean ± std, steps and seconds to a target per seed, an odd panel count. */
class CompareCommandTest {
    @TempDir
    Path dir;

    /** A run folder whose metrics.csv holds held-out accuracy at the given iterations and 8 gradient steps / 2 s per iteration. */
    private Path run(String name, double[][] accuracy) throws IOException {
        Path folder = dir.resolve(name);
        Files.createDirectories(folder);
        StringBuilder csv = new StringBuilder("step,phase,metric,value\n");
        for (double[] p : accuracy) {
            csv.append((long) p[0]).append(",eval,accuracy,").append(p[1]).append('\n');
        }
        for (int i = 1; i <= 10; i++) {
            csv.append(i).append(",ppo,gradient_steps,8\n").append(i).append(",ppo,time_update_s,2\n")
                    .append(i).append(",ppo,entropy,").append(0.1 * i).append('\n');
        }
        Files.writeString(folder.resolve("metrics.csv"), csv);
        return folder;
    }

    private String compare(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream before = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, new CommandLine(new CompareCommand()).execute(args));
        } finally {
            System.setOut(before);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tablesMeanAndSpreadOverSeedsAndCountsStepsToATarget() throws IOException {
        Path a1 = run("a1", new double[][]{{0, 0.4}, {5, 0.5}, {10, 0.5}});
        Path a2 = run("a2", new double[][]{{0, 0.4}, {5, 0.5}, {10, 0.7}});
        Path b1 = run("b1", new double[][]{{0, 0.4}, {5, 0.55}, {10, 0.6}});
        Path b2 = run("b2", new double[][]{{0, 0.4}, {5, 0.45}, {10, 0.5}});
        Path png = dir.resolve("out.png");
        String printed = compare("--table", "--metrics", "eval/accuracy,entropy,gradient_steps", "--reach", "eval/accuracy", "--target", "0.55",
                "--out", png.toString(), "a=" + a1 + "," + a2, "b=" + b1 + "," + b2);
        // a at 10: (0.5 + 0.7) / 2 = 0.6, population std 0.1; b at 5: 0.5 +- 0.05; identical seeds at 0 give exactly 0.
        assertTrue(printed.contains("| eval/accuracy, iteration | 0 | 5 | 10 |"), printed);
        assertTrue(printed.contains("| a (2 seeds) | 40.0 ± 0 | 50.0 ± 0 | 60.0 ± 10 |"), printed);
        assertTrue(printed.contains("| b (2 seeds) | 40.0 ± 0 | 50.0 ± 5.0 | 55.0 ± 5.0 |"), printed);
        // Entropy is not a fraction of problems: no percent.
        assertTrue(printed.contains("| a (2 seeds) | 0.100 ± 0 |"), printed);
        // Target 0.55: a seed 1 never, a seed 2 at 10 (80 steps, 20 s); b seed 1 at 5 (40 steps, 10 s), b seed 2 never.
        assertTrue(printed.contains("a #1           never"), printed);
        assertTrue(printed.contains("a #2           iteration 10, 80 gradient steps, 20 s of training"), printed);
        assertTrue(printed.contains("b #1           iteration 5, 40 gradient steps, 10 s of training"), printed);
        assertTrue(printed.contains("b              reached in 1 of 2 seeds; when reached: iteration 5 +- 0, gradient steps 40 +- 0, 10 +- 0 s"),
                printed);
        // Three panels (an odd count) still make one image, two panels wide.
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(1200, image.getWidth());
        assertEquals(700, image.getHeight());
    }

    @Test
    void withoutATargetEachSeedIsMeasuredAgainstTheFirstRunsSameSeed() throws IOException {
        Path a1 = run("a1", new double[][]{{0, 0.4}, {5, 0.45}, {10, 0.5}});
        Path a2 = run("a2", new double[][]{{0, 0.4}, {5, 0.6}, {10, 0.6}});
        Path b1 = run("b1", new double[][]{{0, 0.4}, {5, 0.5}, {10, 0.5}});
        Path b2 = run("b2", new double[][]{{0, 0.4}, {5, 0.5}, {10, 0.55}});
        String printed = compare("--metrics", "eval/accuracy", "--reach", "eval/accuracy", "--out", dir.resolve("o.png").toString(),
                "a=" + a1 + "," + a2, "b=" + b1 + "," + b2);
        assertTrue(printed.contains("reaching eval/accuracy = 0.5000 (a's final value, seed 1)"), printed);
        assertTrue(printed.contains("reaching eval/accuracy = 0.6000 (a's final value, seed 2)"), printed);
        assertTrue(printed.contains("a #2           iteration 5, 40 gradient steps, 10 s of training"), printed);
        assertTrue(printed.contains("b #1           iteration 5, 40 gradient steps, 10 s of training"), printed);
        assertTrue(printed.contains("b #2           never"), printed);
    }
}
