package io.dl4jrl.rl;

import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.Tokenizer;

import java.util.List;

/** What an RL run offers its plug-ins: the policy being trained, its tokenizer, prompt format, reward and settings. */
public interface RlRun {
    CausalLm policy();

    Tokenizer tokenizer();

    PromptFormat format();

    RewardFunction reward();

    RlConfig config();

    /** Held-out problems for diagnostics (the trainer's held-out split, or what {@code diagnoseValuesOn} set). */
    List<Problem> diagnosticProblems();

    /** The graph holding the run's value head: a separate critic's, else the policy's own. */
    default io.dl4jrl.graphs.PolicyGraph valueGraph() {
        return policy().graph();
    }

    /** Completions of intermediate states from the current policy, row i scored on {@code problems.get(i)}. */
    PolicyRollouts rollouts(List<Problem> problems, double temperature, double topP, long seed);
}
