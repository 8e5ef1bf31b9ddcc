package io.dl4jrl.health;

/** Length explosion: the mean response length ({@code response_length}) above a multiple of the first iteration's. */
final class LengthExplosion extends StartRelativeSignal {
    LengthExplosion(HealthConfig c) {
        super("response_length", c.lengthExplosionRatio(), false);
    }

    @Override
    public String name() {
        return "length_explosion";
    }
}
