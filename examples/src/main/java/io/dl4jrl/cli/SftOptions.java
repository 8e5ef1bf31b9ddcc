package io.dl4jrl.cli;

import io.dl4jrl.train.SftConfig;
import picocli.CommandLine.Option;

/** Supervised warm-up settings. */
final class SftOptions {
    @Option(names = "--steps", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    int steps = 600;
    @Option(names = "--batch-size", description = "sequences per step (default: ${DEFAULT-VALUE})")
    int batchSize = 32;
    @Option(names = "--sft-micro-batch", description = "sequences per forward/backward pass; gradients of the passes "
            + "are accumulated into the step's (default: 0, the whole batch in one pass)")
    int microBatchSize = 0;
    @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double learningRate = 3e-3;
    @Option(names = "--warmup", description = "warm-up steps (default: ${DEFAULT-VALUE})")
    int warmupSteps = 20;
    @Option(names = "--eval-every", description = "evaluate every N steps, 0 = only at the end (default: ${DEFAULT-VALUE})")
    int evalEvery = 100;
    @Option(names = "--eval-problems", description = "held-out problems in periodic evaluations (default: ${DEFAULT-VALUE})")
    int evalProblems = 200;
    @Option(names = "--max-new-tokens", description = "response budget when evaluating (default: ${DEFAULT-VALUE})")
    int maxNewTokens = 32;
    @Option(names = "--schedule-steps", description = "length of the learning-rate schedule (warm-up, then linear decay to 0 at this "
            + "step); more than --steps stops part-way with the rate still above 0, as a longer run's checkpoint at that step "
            + "(default: --steps; in run: 1.5 x --steps)")
    int scheduleSteps = 0;
    @Option(names = "--seed", description = "data-order seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    /** Defaults with a different step count (the main job leaves room for its RL stage). */
    static SftOptions withSteps(int steps) {
        SftOptions o = new SftOptions();
        o.steps = steps;
        return o;
    }

    SftConfig config() {
        return SftConfig.builder().steps(steps).batchSize(batchSize).learningRate(learningRate).warmupSteps(warmupSteps)
                .microBatchSize(microBatchSize).seed(seed).evalEvery(evalEvery).evalProblems(evalProblems).maxNewTokens(maxNewTokens)
                .scheduleSteps(scheduleSteps).build();
    }
}
