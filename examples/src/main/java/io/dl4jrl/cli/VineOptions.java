package io.dl4jrl.cli;

import io.dl4jrl.rl.VineConfig;
import picocli.CommandLine.Option;

/** VinePPO's Monte-Carlo value settings and the value-prediction diagnostics, shared by train and values. */
final class VineOptions {
    @Option(names = "--vine-k", description = "VinePPO: completions per state (default: 9, the paper's)")
    Integer rollouts;
    @Option(names = "--vine-temperature", description = "VinePPO: temperature of those completions (default: the run's --temperature)")
    Double temperature;
    @Option(names = "--vine-max-steps", description = "VinePPO: cap on steps per response, 0 = none (default: 8)")
    Integer maxSteps;
    @Option(names = "--step-min-chars", description = "a line shorter than this joins the next step (default: 1 on the "
            + "arithmetic task, whose lines are one operation each; 20 otherwise, as the paper's code)")
    Integer minStepChars;
    @Option(names = "--value-diagnostics-every", description = "every N iterations, compare value estimates with a "
            + "large-K ground truth on held-out states, 0 = never (default: 0)")
    Integer diagnosticsEvery;
    @Option(names = "--value-diagnostics-problems", description = "held-out problems for those diagnostics (default: 32)")
    Integer diagnosticsProblems;
    @Option(names = "--ground-truth-k", description = "completions per state for the ground truth (default: 64; the paper: 256)")
    Integer groundTruthRollouts;

    VineConfig config(TaskOptions task) {
        return config(task, null);
    }

    /** @param base settings from a configuration file, or {@code null} for the defaults of {@code task} */
    VineConfig config(TaskOptions task, VineConfig base) {
        VineConfig.Builder b = base != null ? base.toBuilder() : VineConfig.builder().minStepChars(task.task.equals("arithmetic") ? 1 : 20);
        if (rollouts != null) b.rollouts(rollouts);
        if (temperature != null) b.temperature(temperature);
        if (maxSteps != null) b.maxStepsPerResponse(maxSteps);
        if (minStepChars != null) b.minStepChars(minStepChars);
        if (diagnosticsEvery != null) b.diagnosticsEvery(diagnosticsEvery);
        if (diagnosticsProblems != null) b.diagnosticsProblems(diagnosticsProblems);
        if (groundTruthRollouts != null) b.groundTruthRollouts(groundTruthRollouts);
        return b.build();
    }
}
