package io.dl4jrl.hyperparam;

import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.BooleanSpace;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses one searched hyperparameter from text, as {@code sweep --space} takes it, into Arbiter's spaces:
 * <ul>
 *   <li>{@code learningRate=loguniform:1e-5:1e-3}: {@link ContinuousParameterSpace} with a log-uniform distribution
 *       (grid search spaces its points evenly in log space);</li>
 *   <li>{@code clipEpsilon=uniform:0.1:0.3}: {@link ContinuousParameterSpace};</li>
 *   <li>{@code groupSize=int:4:8}: {@link IntegerParameterSpace};</li>
 *   <li>{@code algorithm=grpo,rloo} or {@code groupSize=4,8} or {@code lr=1e-4}: {@link DiscreteParameterSpace};</li>
 *   <li>{@code opo=bool}: {@link BooleanSpace}.</li>
 * </ul>
 * Keys are {@link RlHyperparameter#key()}s ({@code lr} also works).
 */
public record SearchSpaceSpec(RlHyperparameter hyperparameter, ParameterSpace<?> space) {

    public static SearchSpaceSpec parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("search space '" + text + "': expected KEY=SPEC, e.g. learningRate=loguniform:1e-5:1e-3");
        }
        RlHyperparameter h;
        try {
            h = RlHyperparameter.of(text.substring(0, eq));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("search space '" + text + "': " + e.getMessage(), e);
        }
        String spec = text.substring(eq + 1).trim();
        try {
            return new SearchSpaceSpec(h, space(h, spec));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("search space '" + text + "': " + e.getMessage(), e);
        }
    }

    private static ParameterSpace<?> space(RlHyperparameter h, String spec) {
        Class<?> t = h.type();
        String[] parts = spec.split(":", -1);
        switch (parts[0]) {
            case "uniform", "loguniform" -> {
                numeric(h, parts[0]);
                if (parts.length != 3) throw new IllegalArgumentException("expected " + parts[0] + ":LOW:HIGH");
                double lo = number(parts[1]);
                double hi = number(parts[2]);
                if (!(lo < hi)) throw new IllegalArgumentException("LOW must be below HIGH, got " + lo + " and " + hi);
                if (t == Integer.class) {
                    throw new IllegalArgumentException(h.key() + " is an integer: use int:LOW:HIGH or a list");
                }
                if (parts[0].equals("loguniform")) {
                    if (!(lo > 0)) throw new IllegalArgumentException("loguniform needs LOW > 0, got " + lo);
                    return new ContinuousParameterSpace(new LogUniformDistribution(lo, hi));
                }
                return new ContinuousParameterSpace(lo, hi);
            }
            case "int" -> {
                if (t != Integer.class) throw new IllegalArgumentException(h.key() + " is not an integer hyperparameter");
                if (parts.length != 3) throw new IllegalArgumentException("expected int:LOW:HIGH");
                int lo = integer(parts[1]);
                int hi = integer(parts[2]);
                if (!(lo < hi)) throw new IllegalArgumentException("LOW must be below HIGH, got " + lo + " and " + hi);
                return new IntegerParameterSpace(lo, hi);
            }
            case "bool" -> {
                if (t != Boolean.class) throw new IllegalArgumentException(h.key() + " is not a boolean hyperparameter");
                if (parts.length != 1) throw new IllegalArgumentException("expected bool");
                return new BooleanSpace();
            }
            default -> {
                List<Object> values = new ArrayList<>();
                for (String v : spec.split(",")) {
                    String s = v.trim();
                    if (s.isEmpty()) throw new IllegalArgumentException("empty value in list '" + spec + "'");
                    values.add(t == Double.class ? (Object) number(s) : t == Integer.class ? (Object) integer(s)
                            : t == Boolean.class ? (Object) bool(s) : s);
                }
                if (h == RlHyperparameter.ALGORITHM) {
                    for (Object a : values) {
                        io.dl4jrl.rl.RlConfig.preset((String) a); // names the unknown algorithm now, not mid-sweep
                    }
                }
                return new DiscreteParameterSpace<>(values);
            }
        }
    }

    private static void numeric(RlHyperparameter h, String kind) {
        if (h.type() != Double.class && h.type() != Integer.class) {
            throw new IllegalArgumentException(h.key() + " is not numeric: " + kind + " does not apply");
        }
    }

    private static double number(String s) {
        try {
            double d = Double.parseDouble(s.trim());
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a finite number");
        }
    }

    private static int integer(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not an integer");
        }
    }

    private static boolean bool(String s) {
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("on")) return true;
        if (s.equalsIgnoreCase("false") || s.equalsIgnoreCase("off")) return false;
        throw new IllegalArgumentException("'" + s + "' is not true/false");
    }
}
