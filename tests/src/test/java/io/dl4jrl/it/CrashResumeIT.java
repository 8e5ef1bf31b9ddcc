package io.dl4jrl.it;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kill -9 at random moments of a real child JVM running {@code sft}, then {@code --resume latest.ckpt} until it
 * finishes: the final weights equal an uninterrupted run's, the metrics hold no duplicate row and stop at no gap,
 * and no temporary file is left. {@code -Dcrash.trials=N} sets the number of trials (3 by default; the
 * {@code crash} profile runs 20).
 */
class CrashResumeIT {
    static final String[] SFT = {"sft", "--d-model", "16", "--layers", "1", "--heads", "2", "--context", "96", "--train-size", "200",
            "--test-size", "10", "--eval-problems", "5", "--max-new-tokens", "8", "--warmup", "1", "--steps", "12",
            "--eval-every", "4", "--checkpoint-every", "1", "--batch-size", "8"};
    @TempDir
    Path dir;

    private static Process start(Path out, Path resume) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-cp", System.getProperty("java.class.path"), "io.dl4jrl.cli.Main"));
        cmd.addAll(List.of(SFT));
        cmd.addAll(List.of("--out", out.toString()));
        if (resume != null) {
            cmd.addAll(List.of("--resume", resume.toString()));
        } else if (Files.exists(out.resolve("metrics.csv"))) {
            cmd.add("--overwrite"); // killed before its first checkpoint: start again over what it wrote
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Files.createDirectories(out.getParent());
        return pb.start();
    }

    private static void finish(Process p, Path out) throws Exception {
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child did not finish");
        assertEquals(0, p.exitValue(), "child failed: " + Files.readString(out.resolveSibling(out.getFileName() + ".log")));
    }

    @Test
    void killedRunsResumeExactlyWithoutDuplicateRowsOrStaleFiles() throws Exception {
        Path reference = dir.resolve("reference");
        finish(start(reference, null), reference);
        Map<String, INDArray> expected = CheckpointStore.load(reference.resolve("final.ckpt")).weights();
        int trials = Integer.getInteger("crash.trials", 3);
        Random random = new Random(7);
        for (int t = 0; t < trials; t++) {
            Path out = dir.resolve("trial-" + t);
            Process p = start(out, null);
            // A JVM start with ND4J takes a few seconds and the 12 steps about as long: kill anywhere in between.
            Thread.sleep(1500 + random.nextInt(6000));
            p.destroyForcibly().waitFor();
            Path latest = out.resolve("checkpoints/latest.ckpt");
            Process again = start(out, Files.exists(latest) ? latest : null);
            finish(again, out);
            Checkpoint done = CheckpointStore.load(out.resolve("final.ckpt"));
            assertEquals(12, done.step(), "trial " + t);
            for (Map.Entry<String, INDArray> e : expected.entrySet()) {
                assertEquals(e.getValue(), done.weights().get(e.getKey()), "trial " + t + ": weight " + e.getKey());
            }
            List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
            Set<String> keys = new HashSet<>();
            Set<Long> lossSteps = new HashSet<>();
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.split(",");
                assertTrue(keys.add(f[0] + "," + f[1] + "," + f[2]), "trial " + t + ": duplicate row " + row);
                if (f[2].equals("loss")) {
                    lossSteps.add(Long.parseLong(f[0]));
                }
            }
            for (long s = 1; s <= 12; s++) {
                assertTrue(lossSteps.contains(s), "trial " + t + ": no loss row for step " + s);
            }
            try (Stream<Path> files = Files.list(out.resolve("checkpoints"))) {
                assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".tmp")).toList(), "trial " + t + ": stale temporary files");
            }
        }
    }
}
