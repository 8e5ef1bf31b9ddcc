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

    @Option(names = "--covariance", description = "entropy control on the policy loss: none, clip-cov (drop the gradient of a random "
            + "share of high-covariance tokens) or kl-cov (a |log-ratio| penalty on the top share) (default: none)")
    String covariance;
    @Option(names = "--covariance-ratio", description = "Clip-Cov / KL-Cov: share of response tokens selected (default: 2e-4)")
    Double covarianceRatio;
    @Option(names = "--clip-cov-bounds", split = ",", description = "Clip-Cov: covariance range lower,upper (default: 1,5)")
    double[] clipCovBounds;
    @Option(names = "--kl-cov-coefficient", description = "KL-Cov: weight of the |log-ratio| penalty (default: 0.1)")
    Double klCovCoefficient;

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
        if (covariance != null || covarianceRatio != null || clipCovBounds != null || klCovCoefficient != null) {
            io.dl4jrl.graphs.rl.CovarianceControl d = io.dl4jrl.graphs.rl.CovarianceControl.none();
            if (clipCovBounds != null && clipCovBounds.length != 2) {
                throw new IllegalArgumentException("--clip-cov-bounds takes lower,upper, got " + clipCovBounds.length + " numbers");
            }
            b.covariance(new io.dl4jrl.graphs.rl.CovarianceControl(
                    covariance != null ? io.dl4jrl.graphs.rl.CovarianceControl.Mode.parse(covariance) : d.mode(),
                    covarianceRatio != null ? covarianceRatio : d.ratio(), clipCovBounds != null ? clipCovBounds[0] : d.lower(),
                    clipCovBounds != null ? clipCovBounds[1] : d.upper(), klCovCoefficient != null ? klCovCoefficient : d.klCoefficient()));
        }
    }
}
