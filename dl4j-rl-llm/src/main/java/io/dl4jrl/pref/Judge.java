package io.dl4jrl.pref;

import java.util.List;
import java.util.function.BiFunction;

/**
 * RLAIF's judge: scores responses to prompts in [0, 1] (how likely the response is good), from a model prompted as a
 * judge ({@link PromptedJudge}) or any user-supplied scorer ({@link #of}). A judge labels preference data
 * ({@link JudgeLabeler}) or serves as the reward itself ({@link JudgeReward}).
 */
public interface Judge {

    /** Name used in metrics and logs. */
    String name();

    /** Scores row i = ({@code prompts[i]}, {@code responses[i]}); prompts are the exact model inputs. */
    double[] judge(List<String> prompts, List<String> responses);

    /** A judge from a user-supplied scorer of (prompt, response), called row by row. */
    static Judge of(String name, BiFunction<String, String, Double> scorer) {
        return new Judge() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double[] judge(List<String> prompts, List<String> responses) {
                if (prompts.size() != responses.size()) {
                    throw new IllegalArgumentException(prompts.size() + " prompts for " + responses.size() + " responses");
                }
                double[] out = new double[prompts.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = scorer.apply(prompts.get(i), responses.get(i));
                }
                return out;
            }
        };
    }
}
