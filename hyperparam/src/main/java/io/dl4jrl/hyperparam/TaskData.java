package io.dl4jrl.hyperparam;

import io.dl4jrl.task.Problem;
import io.dl4jrl.task.ReasoningTask;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;

import java.util.List;
import java.util.Map;

/**
 * Arbiter's {@link DataProvider} for RL sweeps: the task's training prompts and held-out problems. The lists are
 * immutable and shared by every candidate (only read).
 */
public final class TaskData implements DataProvider {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final transient List<Problem> train;
    private final transient List<Problem> test;

    public TaskData(ReasoningTask task) {
        this(task.name(), task.train(), task.test());
    }

    public TaskData(String name, List<Problem> train, List<Problem> test) {
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("task '" + name + "' needs training prompts and held-out problems, got "
                    + train.size() + " and " + test.size());
        }
        this.name = name;
        this.train = List.copyOf(train);
        this.test = List.copyOf(test);
    }

    public String name() {
        return name;
    }

    @Override
    public List<Problem> trainData(Map<String, Object> dataParameters) {
        return train;
    }

    @Override
    public List<Problem> testData(Map<String, Object> dataParameters) {
        return test;
    }

    @Override
    public Class<?> getDataType() {
        return List.class;
    }
}
