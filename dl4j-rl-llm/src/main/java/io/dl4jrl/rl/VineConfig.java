package io.dl4jrl.rl;

/**
 * Settings of Monte-Carlo state values (VinePPO, Kazemnejad et al., 2024) and of the value-prediction
 * diagnostics that compare them with a value head. Used by the {@code vineppo} advantage estimator and, in
 * any run, by {@link RlConfig#vine()}'s diagnostics.
 *
 * @param rollouts             K, completions sampled from each state (the paper uses 9 in all its runs)
 * @param temperature          sampling temperature of those completions; 0 = the run's sampling temperature, so
 *                             that V̂ is the value under the policy being trained (the default)
 * @param topP                 nucleus sampling of those completions; 0 = the run's top-p (the default)
 * @param maxStepsPerResponse  cap on steps per response (so on rolled-out states); a response with more steps has
 *                             its steps merged evenly down to the cap (0 = no cap)
 * @param minStepChars         a line shorter than this joins the next step ({@link LineStepSegmenter}; the paper's
 *                             code merges pieces under about 20 characters)
 * @param whiten               whiten the step advantages over the batch's tokens, as the paper does
 * @param diagnosticsEvery     every N iterations, measure value-prediction quality on held-out states (0 = never)
 * @param diagnosticsProblems  held-out problems whose states the diagnostics use
 * @param groundTruthRollouts  completions per state for the ground-truth values of the diagnostics (paper: 256)
 */
public record VineConfig(int rollouts, double temperature, double topP, int maxStepsPerResponse, int minStepChars,
                         boolean whiten, int diagnosticsEvery, int diagnosticsProblems, int groundTruthRollouts) implements java.io.Serializable {

    public VineConfig {
        if (rollouts < 1) throw new IllegalArgumentException("vine rollouts (K) must be >= 1, got " + rollouts);
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("vine temperature must be > 0, or 0 for the run's, got " + temperature);
        }
        if (!(topP >= 0 && topP <= 1)) throw new IllegalArgumentException("vine topP must be in (0, 1], or 0 for the run's, got " + topP);
        if (maxStepsPerResponse < 0) {
            throw new IllegalArgumentException("maxStepsPerResponse must be >= 0 (0 = no cap), got " + maxStepsPerResponse);
        }
        if (minStepChars < 0) throw new IllegalArgumentException("minStepChars must be >= 0, got " + minStepChars);
        if (diagnosticsEvery < 0) throw new IllegalArgumentException("diagnosticsEvery must be >= 0, got " + diagnosticsEvery);
        if (diagnosticsProblems < 1) throw new IllegalArgumentException("diagnosticsProblems must be >= 1, got " + diagnosticsProblems);
        if (groundTruthRollouts < 2) {
            throw new IllegalArgumentException("groundTruthRollouts must be >= 2, got " + groundTruthRollouts);
        }
    }

    /** The paper's K = 9, the run's temperature and top-p, at most 8 steps, 20-character merge, whitening on. */
    public static VineConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().rollouts(rollouts).temperature(temperature).topP(topP).maxStepsPerResponse(maxStepsPerResponse)
                .minStepChars(minStepChars).whiten(whiten).diagnosticsEvery(diagnosticsEvery)
                .diagnosticsProblems(diagnosticsProblems).groundTruthRollouts(groundTruthRollouts);
    }

    /** These settings with "the run's" temperature and top-p (0) replaced by the run's values. */
    public VineConfig resolve(double runTemperature, double runTopP) {
        return toBuilder().temperature(temperature == 0 ? runTemperature : temperature).topP(topP == 0 ? runTopP : topP).build();
    }

    /** The segmenter these settings describe. */
    public StepSegmenter segmenter() {
        return new CappedStepSegmenter(new LineStepSegmenter(minStepChars, "####"), maxStepsPerResponse);
    }

    public static final class Builder {
        private int rollouts = 9;
        private double temperature = 0;
        private double topP = 0;
        private int maxStepsPerResponse = 8;
        private int minStepChars = 20;
        private boolean whiten = true;
        private int diagnosticsEvery = 0;
        private int diagnosticsProblems = 32;
        private int groundTruthRollouts = 64;

        public Builder rollouts(int v) { rollouts = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder maxStepsPerResponse(int v) { maxStepsPerResponse = v; return this; }
        public Builder minStepChars(int v) { minStepChars = v; return this; }
        public Builder whiten(boolean v) { whiten = v; return this; }
        public Builder diagnosticsEvery(int v) { diagnosticsEvery = v; return this; }
        public Builder diagnosticsProblems(int v) { diagnosticsProblems = v; return this; }
        public Builder groundTruthRollouts(int v) { groundTruthRollouts = v; return this; }

        public VineConfig build() {
            return new VineConfig(rollouts, temperature, topP, maxStepsPerResponse, minStepChars, whiten, diagnosticsEvery,
                    diagnosticsProblems, groundTruthRollouts);
        }
    }
}
