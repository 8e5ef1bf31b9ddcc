package io.dl4jrl.train;

import io.dl4jrl.task.Problem;

import java.util.ArrayList;
import java.util.List;

/**
 * A task a tiny model learns in seconds: "n=374" -> "#### 374". Every fifth number is held out, so every
 * digit appears in every position of the training targets.
 */
public final class CopyTask {
    private CopyTask() {
    }

    public static List<Problem> problems(boolean test) {
        List<Problem> out = new ArrayList<>();
        for (int n = 100; n < 1000; n++) {
            if ((n % 5 == 2) == test) {
                out.add(new Problem((test ? "test-" : "train-") + n, "n=" + n, "#### " + n, Integer.toString(n), 1));
            }
        }
        return out;
    }
}
