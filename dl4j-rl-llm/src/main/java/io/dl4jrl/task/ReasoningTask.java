package io.dl4jrl.task;

import java.util.List;

/** A source of problems with a fixed, non-overlapping train/test split. */
public interface ReasoningTask {

    String name();

    List<Problem> train();

    List<Problem> test();
}
