package io.dl4jrl.rl;

import java.util.Map;

/**
 * VinePPO's value-prediction diagnostics (docs/algorithms.md, "VinePPO"): on held-out problems, MC values at K and,
 * with a critic, the value head's, against large-K ground truth, on the policy before this iteration's update.
 */
public final class ValueDiagnosticsProbe implements IterationProbe {
    @Override
    public String name() {
        return "value_diagnostics";
    }

    @Override
    public Map<String, Double> measure(IterationView view) {
        RlRun run = view.run();
        RlConfig c = run.config();
        int every = c.vine().diagnosticsEvery();
        long iteration = view.rollouts().iteration();
        if (every == 0 || iteration % every != 0 || run.diagnosticProblems().isEmpty()) {
            return Map.of();
        }
        StateValueFunction critic = AdvantageEstimators.needsCritic(c.advantageEstimator())
                ? new ValueHeadCritic(run.valueGraph(), run.tokenizer().padId(), 32) : null;
        return new ValueDiagnostics(run.policy(), run.tokenizer(), run.format(), run.reward(), c.vine().resolve(c.sampling().temperature(), c.sampling().topP()),
                c.sampling().maxNewTokens()).measure(run.diagnosticProblems(), critic, view.seed() ^ 0x2545F4914F6CDD1DL).metrics();
    }
}
