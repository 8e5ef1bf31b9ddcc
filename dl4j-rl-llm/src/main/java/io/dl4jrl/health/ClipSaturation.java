package io.dl4jrl.health;

/**
 * Clip saturation: the share of response tokens (GSPO: sequences) whose clip is active ({@code clip_fraction}) above a
 * bound: most of the batch then gives no gradient, a sign of a learning rate or an epoch count too large for the clip.
 */
final class ClipSaturation extends AboveSignal {
    ClipSaturation(HealthConfig c) {
        super("clip_fraction", c.clipFractionMax());
    }

    @Override
    public String name() {
        return "clip_saturation";
    }
}
