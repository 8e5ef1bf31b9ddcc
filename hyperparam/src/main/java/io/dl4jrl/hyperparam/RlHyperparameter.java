package io.dl4jrl.hyperparam;

import io.dl4jrl.memory.MemoryConfig;
import io.dl4jrl.rl.ReplayConfig;
import io.dl4jrl.rl.RlConfig;

import java.util.Arrays;
import java.util.Locale;

/**
 * The RL settings a sweep can search, each with the key it has in search-space specs, tables and plots, and how a
 * sampled value is written into an {@link RlConfig}. {@link #ALGORITHM} and {@link #OPO} choose the preset and are
 * applied first (by {@link RlConfigSpace}); the rest are laid over it. Turning on a memory bonus or a replay
 * fraction turns that method on.
 */
public enum RlHyperparameter {
    /** ppo, grpo, rloo, reinforce++, opo or vineppo: the preset; the sweep's budget fields are kept. */
    ALGORITHM("algorithm", String.class),
    /** OPO on: exact on-policy updates with the length-weighted optimal baseline, whatever the algorithm. */
    OPO("opo", Boolean.class),
    LEARNING_RATE("learningRate", Double.class),
    CLIP_EPSILON("clipEpsilon", Double.class),
    /** β of KL(π‖π_ref) as a loss term. */
    KL_COEFFICIENT("klCoefficient", Double.class),
    ENTROPY_COEFFICIENT("entropyCoefficient", Double.class),
    GROUP_SIZE("groupSize", Integer.class),
    TEMPERATURE("temperature", Double.class),
    /** VinePPO's K, completions per step boundary (used by vineppo only). */
    VINE_ROLLOUTS("vineRollouts", Integer.class),
    /** Memory-R+ exploitation bonus weight (turns the episodic memory on). */
    EXPLOIT_BONUS("exploitBonus", Double.class),
    /** Memory-R+ exploration bonus weight (turns the episodic memory on). */
    EXPLORE_BONUS("exploreBonus", Double.class),
    /** RRL: share of prompt slots started from replayed states (turns replay on). */
    REPLAY_FRACTION("replayFraction", Double.class);

    private final String key;
    private final Class<?> type;

    RlHyperparameter(String key, Class<?> type) {
        this.key = key;
        this.type = type;
    }

    public String key() {
        return key;
    }

    /** The Java type of its values: String, Boolean, Integer or Double. */
    public Class<?> type() {
        return type;
    }

    /** By key, case-insensitively; also accepts the enum name ({@code LEARNING_RATE}) and {@code lr}. */
    public static RlHyperparameter of(String key) {
        String k = key.trim();
        if (k.equalsIgnoreCase("lr")) {
            return LEARNING_RATE;
        }
        for (RlHyperparameter h : values()) {
            if (h.key.equalsIgnoreCase(k) || h.name().equalsIgnoreCase(k)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown hyperparameter '" + key + "'; known: "
                + String.join(", ", Arrays.stream(values()).map(RlHyperparameter::key).toList()));
    }

    /** Writes {@code value} into {@code b}; {@code current} is the configuration built so far (for nested settings). */
    void apply(RlConfig.Builder b, RlConfig current, Object value) {
        switch (this) {
            case ALGORITHM, OPO -> throw new IllegalStateException(key + " chooses the preset; RlConfigSpace applies it");
            case LEARNING_RATE -> b.learningRate(number(value));
            case CLIP_EPSILON -> b.clipEpsilon(number(value));
            case KL_COEFFICIENT -> b.klCoefficient(number(value));
            case ENTROPY_COEFFICIENT -> b.entropyCoefficient(number(value));
            case GROUP_SIZE -> b.groupSize((int) Math.round(number(value)));
            case TEMPERATURE -> b.temperature(number(value));
            case VINE_ROLLOUTS -> b.vine(current.vine().toBuilder().rollouts((int) Math.round(number(value))).build());
            case EXPLOIT_BONUS -> b.memory(memoryOn(current).exploitCoefficient(number(value)).build());
            case EXPLORE_BONUS -> b.memory(memoryOn(current).exploreCoefficient(number(value)).build());
            case REPLAY_FRACTION -> b.replay((current.replay().enabled() ? current.replay().toBuilder() : ReplayConfig.builder())
                    .enabled(true).replayFraction(number(value)).build());
        }
    }

    private static MemoryConfig.Builder memoryOn(RlConfig current) {
        return (current.memory().enabled() ? current.memory().toBuilder() : MemoryConfig.builder()).enabled(true);
    }

    private double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(key + " takes a number, got " + value);
    }

    /** A value as tables show it: numbers with up to 4 significant digits. */
    public static String format(Object value) {
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, "%.4g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
                    .replaceAll("\\.$", "");
        }
        return String.valueOf(value);
    }
}
