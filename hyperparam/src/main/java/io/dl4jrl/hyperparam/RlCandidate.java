package io.dl4jrl.hyperparam;

import io.dl4jrl.rl.RlConfig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point of an {@link RlConfigSpace}: the sampled hyperparameter values and the configuration they make, or,
 * when the combination is not a valid configuration (e.g. replay with VinePPO), why not. An invalid point is a
 * value, not an exception, so that Arbiter's runner counts it as a failed candidate and the table shows the reason.
 *
 * @param hyperparameters the sampled values, in the space's order
 * @param config          the configuration, {@code null} when invalid
 * @param invalidReason   why the values make no configuration, {@code null} when valid
 */
public record RlCandidate(Map<RlHyperparameter, Object> hyperparameters, RlConfig config, String invalidReason) implements java.io.Serializable {
    public RlCandidate {
        hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
        if ((config == null) == (invalidReason == null)) {
            throw new IllegalArgumentException("a candidate has either a config or an invalid reason");
        }
    }

    public boolean valid() {
        return config != null;
    }

    /** "learningRate=0.0001 groupSize=8" */
    public String describe() {
        StringBuilder s = new StringBuilder();
        hyperparameters.forEach((k, v) -> s.append(s.length() == 0 ? "" : " ").append(k.key()).append('=').append(RlHyperparameter.format(v)));
        return s.toString();
    }
}
