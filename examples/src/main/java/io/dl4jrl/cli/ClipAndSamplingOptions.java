package io.dl4jrl.cli;

import io.dl4jrl.rl.OffPolicyCorrection;
import io.dl4jrl.rl.OverlongConfig;
import io.dl4jrl.rl.RlConfig;
import picocli.CommandLine.Option;

/**
 * The settings of DAPO's recipe (clip-higher, dynamic sampling, overlong filtering and shaping) and of the off-policy
 * correction, on top of any preset (docs/rl.md). Each is left at the preset's value unless given.
 */
final class ClipAndSamplingOptions {
    @Option(names = "--clip-high", description = "upper clip bound epsilon_high; 0 = the same as --clip (default: the preset's; dapo: 0.28, "
            + "gspo: 4e-4, cispo: 2, others: 0)")
    Double clipHigh;
    @Option(names = "--dynamic-sampling", negatable = true, description = "drop groups whose rewards are all equal and draw more prompts "
            + "until the batch is full (default: the preset's; dapo: on, others: off)")
    Boolean dynamicSampling;
    @Option(names = "--max-sampling-rounds", description = "dynamic sampling: draws per iteration at most, the first included (default: 3)")
    Integer maxSamplingRounds;
    @Option(names = "--mask-truncated", negatable = true, description = "leave responses cut off by --max-new-tokens out of the loss "
            + "(default: the preset's; dapo: on, others: off)")
    Boolean maskTruncated;
    @Option(names = "--overlong-buffer", description = "soft overlong punishment over this share of the response budget, 0 = off "
            + "(default: the preset's; dapo: 0.2, others: 0)")
    Double overlongBuffer;
    @Option(names = "--overlong-penalty", description = "weight of the overlong punishment (default: 1)")
    Double overlongPenalty;
    @Option(names = "--off-policy-correction", description = "importance weights between the sampler's and the trainer's log-probs: none, "
            + "tis-token, tis-sequence, mis-token or mis-sequence (default: none)")
    String offPolicyCorrection;
    @Option(names = "--off-policy-threshold", description = "C of the correction: TIS truncates weights at C, MIS masks above it (default: 2)")
    Double offPolicyThreshold;

    /** Lays the given options over {@code b}, whose overlong settings are {@code overlong}. */
    void apply(RlConfig.Builder b, OverlongConfig overlong) {
        if (clipHigh != null) b.clipEpsilonHigh(clipHigh);
        if (dynamicSampling != null) b.dynamicSampling(dynamicSampling);
        if (maxSamplingRounds != null) b.maxSamplingRounds(maxSamplingRounds);
        if (maskTruncated != null) b.maskTruncated(maskTruncated);
        if (overlongBuffer != null || overlongPenalty != null) {
            b.overlong(new OverlongConfig(overlongBuffer != null ? overlongBuffer : overlong.bufferFraction(),
                    overlongPenalty != null ? overlongPenalty : overlong.penalty()));
        }
        if (offPolicyCorrection != null) b.offPolicyCorrection(OffPolicyCorrection.parse(offPolicyCorrection));
        if (offPolicyThreshold != null) b.offPolicyThreshold(offPolicyThreshold);
    }
}
