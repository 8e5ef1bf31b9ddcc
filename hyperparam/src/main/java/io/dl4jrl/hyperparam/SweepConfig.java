package io.dl4jrl.hyperparam;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a sweep searches: Arbiter's random or grid candidate generator, when to stop, and how many candidates train
 * at once.
 *
 * @param search          random (Arbiter's {@code RandomSearchGenerator}) or grid ({@code GridSearchCandidateGenerator},
 *                        sequential order so that a seed fixes everything)
 * @param maxCandidates   stop after this many finished candidates (0 = for a grid, its size; random needs a count)
 * @param gridPoints      grid search: values per continuous hyperparameter (and at most per integer range)
 * @param maxDuration     stop starting new candidates after this long ({@code null} = no time limit); running ones finish
 * @param threads         candidates trained at once
 * @param seed            the generator's seed
 * @param keepCheckpoints write each candidate's trained policy ({@code final.ckpt}) beside its config
 */
public record SweepConfig(Search search, int maxCandidates, int gridPoints, Duration maxDuration, int threads, long seed,
                          boolean keepCheckpoints) {

    public enum Search {
        RANDOM, GRID;

        public static Search parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("search must be random or grid, got '" + s + "'");
            }
        }
    }

    public SweepConfig {
        Objects.requireNonNull(search, "search");
        if (maxCandidates < 0) throw new IllegalArgumentException("maxCandidates must be >= 0, got " + maxCandidates);
        if (search == Search.RANDOM && maxCandidates == 0) {
            throw new IllegalArgumentException("random search needs maxCandidates > 0 (it never runs out of candidates)");
        }
        if (gridPoints < 2) throw new IllegalArgumentException("gridPoints must be >= 2, got " + gridPoints);
        if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
            throw new IllegalArgumentException("maxDuration must be positive, got " + maxDuration);
        }
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Search search = Search.RANDOM;
        private int maxCandidates = 8;
        private int gridPoints = 3;
        private Duration maxDuration;
        private int threads = 1;
        private long seed = 1;
        private boolean keepCheckpoints;

        public Builder search(Search v) { search = v; return this; }
        public Builder maxCandidates(int v) { maxCandidates = v; return this; }
        public Builder gridPoints(int v) { gridPoints = v; return this; }
        public Builder maxDuration(Duration v) { maxDuration = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder keepCheckpoints(boolean v) { keepCheckpoints = v; return this; }

        public SweepConfig build() {
            return new SweepConfig(search, maxCandidates, gridPoints, maxDuration, threads, seed, keepCheckpoints);
        }
    }
}
