package io.dl4jrl.health;

/** Length collapse: the mean response length ({@code response_length}) below a share of the first iteration's. */
final class LengthCollapse extends StartRelativeSignal {
    LengthCollapse(HealthConfig c) {
        super("response_length", c.lengthCollapseRatio(), true);
    }

    @Override
    public String name() {
        return "length_collapse";
    }
}
