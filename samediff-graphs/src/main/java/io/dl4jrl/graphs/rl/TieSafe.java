package io.dl4jrl.graphs.rl;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Element-wise min and max whose gradient at a tie goes to one argument only. ND4J's maximum/minimum
 * backprop passes the full gradient to both inputs when they are equal, which doubles PPO's gradient
 * whenever the ratio lies inside the clip range (the two surrogate terms are then equal) and the value
 * loss's whenever the value moved less than the clip. Written as {@code a − relu(a − b)} and
 * {@code a + relu(b − a)}: relu'(0) = 0, so a tie differentiates as {@code a}.
 */
final class TieSafe {
    private TieSafe() {
    }

    static SDVariable min(SameDiff sd, SDVariable a, SDVariable b) {
        return a.sub(sd.nn.relu(a.sub(b), 0));
    }

    static SDVariable max(SameDiff sd, SDVariable a, SDVariable b) {
        return a.add(sd.nn.relu(b.sub(a), 0));
    }
}
