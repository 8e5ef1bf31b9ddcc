package io.dl4jrl.train;

import io.dl4jrl.task.Problem;

import java.util.ArrayList;
import java.util.List;

/** A task a tiny model learns in seconds: "n=37" -> "#### 37". Even numbers train, odd numbers test. */
final class CopyTask {
    private CopyTask() {
    }

    static List<Problem> problems(boolean test) {
        List<Problem> out = new ArrayList<>();
        for (int n = 10; n < 100; n++) {
            if ((n % 2 == 1) == test) {
                out.add(new Problem((test ? "test-" : "train-") + n, "n=" + n, "#### " + n, Integer.toString(n), 1));
            }
        }
        return out;
    }
}
