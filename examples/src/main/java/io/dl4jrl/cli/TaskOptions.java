package io.dl4jrl.cli;

import io.dl4jrl.task.ArithmeticTask;
import io.dl4jrl.task.Gsm8kTask;
import io.dl4jrl.task.ReasoningTask;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Which problems to train and evaluate on. */
final class TaskOptions {
    @Option(names = "--task", description = "arithmetic (built in) or gsm8k (default: ${DEFAULT-VALUE})")
    String task = "arithmetic";
    @Option(names = "--levels", split = ",", description = "arithmetic difficulty levels 1..5 (default: 1)")
    List<Integer> levels = List.of(1);
    @Option(names = "--train-size", description = "arithmetic train problems (default: ${DEFAULT-VALUE})")
    int trainSize = 20000;
    @Option(names = "--test-size", description = "arithmetic held-out problems (default: ${DEFAULT-VALUE})")
    int testSize = 500;
    @Option(names = "--task-seed", description = "arithmetic generator seed (default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--gsm8k-dir", description = "folder with GSM8K train.jsonl and test.jsonl (default: ${DEFAULT-VALUE})")
    Path gsm8kDir = Path.of("data", "gsm8k");

    /** The task for commands that only evaluate: GSM8K's train file is not read. */
    ReasoningTask loadHeldOut() throws IOException {
        return task.equals("gsm8k") ? Gsm8kTask.heldOut(gsm8kDir.resolve("test.jsonl")) : load();
    }

    ReasoningTask load() throws IOException {
        if (trainSize < 0 || testSize <= 0) {
            throw new IllegalArgumentException("--train-size must be >= 0 and --test-size > 0, got " + trainSize + " and " + testSize);
        }
        return switch (task) {
            case "arithmetic" -> new ArithmeticTask(levels, trainSize, testSize, seed);
            case "gsm8k" -> Gsm8kTask.load(gsm8kDir.resolve("train.jsonl"), gsm8kDir.resolve("test.jsonl"));
            default -> throw new IllegalArgumentException("--task must be 'arithmetic' or 'gsm8k', got '" + task + "'");
        };
    }
}
