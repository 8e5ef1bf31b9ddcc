package io.dl4jrl.health;

import java.util.Locale;
import java.util.Objects;

/**
 * Thresholds of the training-health signals (docs/rl.md, "Health monitors") and what a trip does. A per-iteration
 * signal trips when its condition holds for {@code patience} iterations in a row; the reward-hacking signal, which
 * reads held-out evaluations, trips at the evaluation that shows it. Defaults are set to catch runs that have clearly
 * gone wrong, not to second-guess healthy ones; each is documented on its signal.
 *
 * @param action                what a trip does: warn (log, record in health.json) or stop (also end the run there,
 *                              evaluated and checkpointed)
 * @param patience              consecutive iterations a per-iteration condition must hold
 * @param entropyCollapseRatio  entropy collapse: mean token entropy below this share of the first iteration's
 * @param klMax                 KL blow-up: {@code kl_to_reference} (nats per token) above this
 * @param hackingDrop           reward hacking: held-out accuracy this far (a share, 0.1 = 10 points) below its best while
 *                              the mean training reward since the last evaluation is above the one at the best
 * @param rewardCollapseRatio   reward collapse: mean training reward below this share of the first iteration's
 * @param lengthExplosionRatio  length explosion: mean response length above this multiple of the first iteration's
 * @param lengthCollapseRatio   length collapse: mean response length below this share of the first iteration's
 * @param clipFractionMax       clip saturation: {@code clip_fraction} above this
 * @param mismatchKlMax         sampler mismatch: {@code sampler_mismatch_kl} (k3 nats per token) above this
 */
public record HealthConfig(Action action, int patience, double entropyCollapseRatio, double klMax, double hackingDrop,
                           double rewardCollapseRatio, double lengthExplosionRatio, double lengthCollapseRatio, double clipFractionMax, double mismatchKlMax) {

    /** What a trip does. */
    public enum Action {
        WARN, STOP;

        public static Action parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown health action '" + s + "'; use warn or stop");
            }
        }
    }

    public HealthConfig {
        Objects.requireNonNull(action, "action");
        if (patience < 1) {
            throw new IllegalArgumentException("health patience must be >= 1, got " + patience);
        }
        share("entropyCollapseRatio", entropyCollapseRatio);
        share("hackingDrop", hackingDrop);
        share("rewardCollapseRatio", rewardCollapseRatio);
        share("lengthCollapseRatio", lengthCollapseRatio);
        share("clipFractionMax", clipFractionMax);
        positive("klMax", klMax);
        positive("mismatchKlMax", mismatchKlMax);
        if (!(lengthExplosionRatio > 1) || Double.isInfinite(lengthExplosionRatio)) {
            throw new IllegalArgumentException("health lengthExplosionRatio must be a finite number > 1, got " + lengthExplosionRatio);
        }
    }

    private static void share(String name, double v) {
        if (!(v > 0 && v < 1)) {
            throw new IllegalArgumentException("health " + name + " must be in (0, 1), got " + v);
        }
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("health " + name + " must be a finite number > 0, got " + v);
        }
    }

    public static HealthConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults: warn; patience 2; entropy below 0.1 of its start; KL to the reference above 1 nat per token; held-out
     * accuracy 10 points below its best while the reward rose; reward below 0.25x its start; length above 3x or below 0.25x its start; clip fraction
     * above 0.5; sampler mismatch above 0.01 nats per token.
     */
    public static final class Builder {
        private Action action = Action.WARN;
        private int patience = 2;
        private double entropyCollapseRatio = 0.1;
        private double klMax = 1.0;
        private double hackingDrop = 0.10;
        private double rewardCollapseRatio = 0.25;
        private double lengthExplosionRatio = 3.0;
        private double lengthCollapseRatio = 0.25;
        private double clipFractionMax = 0.5;
        private double mismatchKlMax = 0.01;

        public Builder action(Action v) { action = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder entropyCollapseRatio(double v) { entropyCollapseRatio = v; return this; }
        public Builder klMax(double v) { klMax = v; return this; }
        public Builder hackingDrop(double v) { hackingDrop = v; return this; }
        public Builder rewardCollapseRatio(double v) { rewardCollapseRatio = v; return this; }
        public Builder lengthExplosionRatio(double v) { lengthExplosionRatio = v; return this; }
        public Builder lengthCollapseRatio(double v) { lengthCollapseRatio = v; return this; }
        public Builder clipFractionMax(double v) { clipFractionMax = v; return this; }
        public Builder mismatchKlMax(double v) { mismatchKlMax = v; return this; }

        public HealthConfig build() {
            return new HealthConfig(action, patience, entropyCollapseRatio, klMax, hackingDrop, rewardCollapseRatio, lengthExplosionRatio,
                    lengthCollapseRatio,
                    clipFractionMax, mismatchKlMax);
        }
    }
}
