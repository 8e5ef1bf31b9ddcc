package io.dl4jrl.hyperparam;

import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Arbiter {@link ScoreFunction} reading a candidate's score from its training metrics: by default the final
 * held-out greedy accuracy ({@code eval/accuracy}, maximised); any listener metric can be used, as its last value,
 * its mean over the run (less noisy for short runs) or its best value.
 */
public final class MetricScoreFunction implements ScoreFunction {
    private static final long serialVersionUID = 1L;

    public enum Aggregate {
        LAST, MEAN, MAX, MIN;

        public static Aggregate parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("score aggregate must be last, mean, max or min, got '" + s + "'");
            }
        }
    }

    private final String metric;
    private final Aggregate aggregate;
    private final boolean minimize;

    public MetricScoreFunction(String metric, Aggregate aggregate, boolean minimize) {
        this.metric = Objects.requireNonNull(metric, "metric");
        this.aggregate = Objects.requireNonNull(aggregate, "aggregate");
        this.minimize = minimize;
    }

    /** The final held-out greedy accuracy, maximised. */
    public static MetricScoreFunction heldOutAccuracy() {
        return new MetricScoreFunction("eval/accuracy", Aggregate.LAST, false);
    }

    public String metric() {
        return metric;
    }

    /** "eval/accuracy (last)" */
    public String describe() {
        return metric + " (" + aggregate.name().toLowerCase(java.util.Locale.ROOT) + (minimize ? ", minimised)" : ")");
    }

    public double score(RlTrainingResult result) {
        List<Double> s = result.series(metric);
        return switch (aggregate) {
            case LAST -> s.get(s.size() - 1);
            case MEAN -> s.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            case MAX -> s.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            case MIN -> s.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        };
    }

    @Override
    public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
        if (!(model instanceof RlTrainingResult r)) {
            throw new IllegalArgumentException("MetricScoreFunction scores RlTrainingResult, got " + model);
        }
        return score(r);
    }

    @Override
    public double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
        return score(model, (DataProvider) null, null);
    }

    @Override
    public boolean minimize() {
        return minimize;
    }

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return List.of(RlTrainingResult.class);
    }

    @Override
    public List<Class<?>> getSupportedDataTypes() {
        return List.of(List.class);
    }

    @Override
    public String toString() {
        return "MetricScoreFunction(" + describe() + ")";
    }
}
