package io.dl4jrl.task;

/**
 * How a problem becomes policy input and SFT target: prompt {@code "Q: <question>\nA: "}, target the
 * reference solution. The end-of-sequence token is appended by the tokenizer-aware code, not here.
 */
public record PromptFormat(String questionPrefix, String answerPrefix) {
    public static final PromptFormat DEFAULT = new PromptFormat("Q: ", "\nA: ");

    public String prompt(Problem problem) {
        return questionPrefix + problem.question() + answerPrefix;
    }

    public String target(Problem problem) {
        return problem.solution();
    }
}
