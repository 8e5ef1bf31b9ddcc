package io.dl4jrl.hyperparam;

import io.dl4jrl.rl.RlConfig;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.FixedValue;
import org.deeplearning4j.arbiter.util.LeafUtils;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An Arbiter {@link ParameterSpace} over RL configurations: a base {@link RlConfig} (the sweep's budget: iterations,
 * prompts, evaluation, seed) and, per {@link RlHyperparameter}, one of Arbiter's own spaces
 * ({@link org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace} with a log-uniform
 * distribution for learning rates, {@link org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace},
 * {@link org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace},
 * {@link org.deeplearning4j.arbiter.optimize.parameter.BooleanSpace}). Random search and grid search generators
 * use it as they use DL4J's {@code MultiLayerSpace}: the leaves receive indices into the generator's [0, 1] vector.
 *
 * <p>When the algorithm is searched, each candidate starts from that algorithm's preset (its loss, critic, KL
 * placement, epochs) and keeps the base's budget (iterations, prompts, group size, learning rate, temperature,
 * response budget, evaluation, seed and the VinePPO, replay and memory settings), so algorithms are compared at
 * equal sampling cost; the other searched values are then laid over it.
 */
public final class RlConfigSpace implements ParameterSpace<RlCandidate> {
    private final RlConfig base;
    private final Map<RlHyperparameter, ParameterSpace<?>> spaces;

    private RlConfigSpace(RlConfig base, Map<RlHyperparameter, ParameterSpace<?>> spaces) {
        this.base = base;
        this.spaces = Collections.unmodifiableMap(new LinkedHashMap<>(spaces));
    }

    public static Builder builder(RlConfig base) {
        return new Builder(base);
    }

    public RlConfig base() {
        return base;
    }

    /** The searched hyperparameters and their spaces, in order. */
    public Map<RlHyperparameter, ParameterSpace<?>> spaces() {
        return spaces;
    }

    @Override
    public RlCandidate getValue(double[] parameterValues) {
        Map<RlHyperparameter, Object> values = new LinkedHashMap<>();
        for (Map.Entry<RlHyperparameter, ParameterSpace<?>> e : spaces.entrySet()) {
            values.put(e.getKey(), e.getValue().getValue(parameterValues));
        }
        return candidate(values);
    }

    /** The candidate for explicit values (hyperparameters not given keep the base's values). */
    public RlCandidate candidate(Map<RlHyperparameter, Object> values) {
        Map<RlHyperparameter, Object> typed = new LinkedHashMap<>();
        try {
            for (Map.Entry<RlHyperparameter, Object> e : values.entrySet()) {
                typed.put(e.getKey(), typed(e.getKey(), e.getValue()));
            }
            String algorithm = (String) typed.getOrDefault(RlHyperparameter.ALGORITHM, base.algorithm());
            boolean opo = Boolean.TRUE.equals(typed.get(RlHyperparameter.OPO));
            if (opo) {
                algorithm = "opo";
            }
            RlConfig current = algorithm.equals(base.algorithm()) ? base : keepBudget(RlConfig.preset(algorithm)).build();
            boolean onPolicy = exactlyOnPolicy(current);
            for (Map.Entry<RlHyperparameter, Object> e : typed.entrySet()) {
                RlHyperparameter h = e.getKey();
                if (h == RlHyperparameter.ALGORITHM || h == RlHyperparameter.OPO) {
                    continue;
                }
                RlConfig.Builder b = current.toBuilder();
                h.apply(b, current, e.getValue());
                if (onPolicy) {
                    b.miniBatchSize(0); // OPO's single mini-batch follows the (maybe searched) batch size
                }
                current = b.build();
            }
            return new RlCandidate(typed, current, null);
        } catch (RuntimeException e) {
            return new RlCandidate(typed.isEmpty() ? values : typed, null, e.getMessage());
        }
    }

    private RlConfig.Builder keepBudget(RlConfig.Builder preset) {
        RlConfig p = preset.build();
        return preset.iterations(base.iterations()).promptsPerIteration(base.sampling().promptsPerIteration()).groupSize(base.sampling().groupSize())
                .learningRate(base.optimization().learningRate()).maxGradientNorm(base.optimization().maxGradientNorm()).temperature(base.sampling().temperature())
                .topP(base.sampling().topP()).maxNewTokens(base.sampling().maxNewTokens()).seed(base.seed()).evalEvery(base.evaluation().evalEvery())
                .evalProblems(base.evaluation().evalProblems()).trackPolicyShift(base.diagnostics().trackPolicyShift() || p.diagnostics().trackPolicyShift())
                .vine(base.vine()).replay(base.replay()).memory(base.memory())
                .miniBatchSize(exactlyOnPolicy(p) ? 0 : exactlyOnPolicy(base) ? p.optimization().miniBatchSize() : base.optimization().miniBatchSize());
    }

    /** Whether the config's estimator declares it needs one gradient step per batch (OPO). */
    private static boolean exactlyOnPolicy(RlConfig c) {
        return io.dl4jrl.rl.AdvantageEstimators.create(c.advantageEstimator()).exactlyOnPolicy();
    }

    private static Object typed(RlHyperparameter h, Object value) {
        Class<?> t = h.type();
        if (t == Double.class && value instanceof Number n) {
            return n.doubleValue();
        }
        if (t == Integer.class && value instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d)) {
                throw new IllegalArgumentException(h.key() + " takes an integer, got " + value);
            }
            return (int) d;
        }
        if (t.isInstance(value)) {
            return value;
        }
        throw new IllegalArgumentException(h.key() + " takes a " + t.getSimpleName() + ", got " + value
                + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")"));
    }

    @Override
    public int numParameters() {
        // Random search sizes its vector by the top-level space; shared leaves count once, as Arbiter indexes them.
        return LeafUtils.countUniqueParameters(collectLeaves());
    }

    @Override
    public List<ParameterSpace> collectLeaves() {
        List<ParameterSpace> leaves = new ArrayList<>();
        for (ParameterSpace<?> s : spaces.values()) {
            leaves.addAll(s.collectLeaves());
        }
        return leaves;
    }

    @Override
    public Map<String, ParameterSpace> getNestedSpaces() {
        Map<String, ParameterSpace> m = new LinkedHashMap<>();
        spaces.forEach((h, s) -> m.put(h.key(), s));
        return m;
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public void setIndices(int... indices) {
        throw new UnsupportedOperationException("RlConfigSpace is not a leaf: its leaves receive the indices");
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("RlConfigSpace(base=" + base.algorithm());
        spaces.forEach((h, sp) -> s.append(", ").append(h.key()).append('=').append(sp));
        return s.append(')').toString();
    }

    public static final class Builder {
        private final RlConfig base;
        private final Map<RlHyperparameter, ParameterSpace<?>> spaces = new LinkedHashMap<>();

        private Builder(RlConfig base) {
            this.base = Objects.requireNonNull(base, "base");
        }

        /** Searches {@code h} over {@code space}; a plain value fixes it ({@link FixedValue}). */
        public Builder add(RlHyperparameter h, ParameterSpace<?> space) {
            Objects.requireNonNull(space, h.key());
            if (spaces.put(h, space) != null) {
                throw new IllegalArgumentException(h.key() + " is already in the space");
            }
            return this;
        }

        public Builder fixed(RlHyperparameter h, Object value) {
            return add(h, new FixedValue<>(value));
        }

        public Builder algorithm(ParameterSpace<String> s) { return add(RlHyperparameter.ALGORITHM, s); }
        public Builder opo(ParameterSpace<Boolean> s) { return add(RlHyperparameter.OPO, s); }
        public Builder learningRate(ParameterSpace<Double> s) { return add(RlHyperparameter.LEARNING_RATE, s); }
        public Builder clipEpsilon(ParameterSpace<Double> s) { return add(RlHyperparameter.CLIP_EPSILON, s); }
        public Builder klCoefficient(ParameterSpace<Double> s) { return add(RlHyperparameter.KL_COEFFICIENT, s); }
        public Builder entropyCoefficient(ParameterSpace<Double> s) { return add(RlHyperparameter.ENTROPY_COEFFICIENT, s); }
        public Builder groupSize(ParameterSpace<Integer> s) { return add(RlHyperparameter.GROUP_SIZE, s); }
        public Builder temperature(ParameterSpace<Double> s) { return add(RlHyperparameter.TEMPERATURE, s); }
        public Builder vineRollouts(ParameterSpace<Integer> s) { return add(RlHyperparameter.VINE_ROLLOUTS, s); }
        public Builder exploitBonus(ParameterSpace<Double> s) { return add(RlHyperparameter.EXPLOIT_BONUS, s); }
        public Builder exploreBonus(ParameterSpace<Double> s) { return add(RlHyperparameter.EXPLORE_BONUS, s); }
        public Builder replayFraction(ParameterSpace<Double> s) { return add(RlHyperparameter.REPLAY_FRACTION, s); }

        public RlConfigSpace build() {
            if (spaces.isEmpty()) {
                throw new IllegalArgumentException("a search space needs at least one hyperparameter");
            }
            return new RlConfigSpace(base, spaces);
        }
    }
}
