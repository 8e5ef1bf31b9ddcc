package io.dl4jrl.hyperparam;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

/**
 * Hands out at most {@code limit} candidates of another generator. Arbiter's runner checks its count condition
 * only against finished candidates and keeps every thread busy meanwhile, so with N threads a plain
 * {@code MaxCandidatesCondition(k)} starts up to k + N − 1 candidates (and waits for them all); bounding the
 * generator makes "at most k candidates" exact.
 */
final class BoundedCandidateGenerator implements CandidateGenerator {
    private final CandidateGenerator inner;
    private final int limit;
    private int handedOut;

    BoundedCandidateGenerator(CandidateGenerator inner, int limit) {
        this.inner = inner;
        this.limit = limit;
    }

    @Override
    public synchronized boolean hasMoreCandidates() {
        return handedOut < limit && inner.hasMoreCandidates();
    }

    @Override
    public synchronized Candidate getCandidate() {
        if (handedOut >= limit) {
            throw new IllegalStateException("all " + limit + " candidates were handed out");
        }
        handedOut++;
        return inner.getCandidate();
    }

    @Override
    public void reportResults(OptimizationResult result) {
        inner.reportResults(result);
    }

    @Override
    public ParameterSpace<?> getParameterSpace() {
        return inner.getParameterSpace();
    }

    @Override
    public void setRngSeed(long rngSeed) {
        inner.setRngSeed(rngSeed);
    }

    @Override
    public Class<?> getCandidateType() {
        return inner.getCandidateType();
    }
}
