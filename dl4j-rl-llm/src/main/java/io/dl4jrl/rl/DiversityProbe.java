package io.dl4jrl.rl;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Response diversity of the iteration's samples: distinct 2- and 4-grams and the 4-gram repetition rate. */
public final class DiversityProbe implements IterationProbe {
    @Override
    public String name() {
        return "diversity";
    }

    @Override
    public Map<String, Double> measure(IterationView view) {
        List<int[]> responses = Arrays.asList(view.rollouts().batch().responses());
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("distinct_2", ResponseDiversity.distinctN(responses, 2));
        m.put("distinct_4", ResponseDiversity.distinctN(responses, 4));
        m.put("repetition_rate", ResponseDiversity.repetitionRate(responses, 4));
        return m;
    }
}
