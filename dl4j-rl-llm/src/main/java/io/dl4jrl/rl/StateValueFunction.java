package io.dl4jrl.rl;

import java.util.List;

/** A learned value function over states (prompt + response prefix token ids), such as PPO's value head. */
public interface StateValueFunction {

    /** V(s) of each state. */
    double[] values(List<int[]> states);
}
