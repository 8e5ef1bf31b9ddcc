package io.dl4jrl.task;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** GSM8K (or any GSM8K-format JSONL) as a task: the train and test files are the split. */
public record Gsm8kTask(List<Problem> train, List<Problem> test) implements ReasoningTask {

    public static Gsm8kTask load(Path trainFile, Path testFile) throws IOException {
        return new Gsm8kTask(List.copyOf(Gsm8kJsonl.load(trainFile)), List.copyOf(Gsm8kJsonl.load(testFile)));
    }

    /** Only the held-out split, for evaluation: the train file is not read (it need not exist). */
    public static Gsm8kTask heldOut(Path testFile) throws IOException {
        return new Gsm8kTask(List.of(), List.copyOf(Gsm8kJsonl.load(testFile)));
    }

    @Override
    public String name() {
        return "gsm8k";
    }
}
