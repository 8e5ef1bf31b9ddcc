package io.dl4jrl.cli;

import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.Tokenizer;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.Evaluator;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;

/**
 * Sampled pass@1 and pass@k of a policy at a stage of a job: how often one sample, and any of k samples, is right. Greedy
 * accuracy far below pass@k is the room RL has: the right answer is already among the policy's samples, and RL moves
 * probability onto it.
 */
final class PassAtKOptions {
    @Option(names = "--pass-k", description = "k of the pass@k printed at each stage, from k samples per problem at temperature 1; "
            + "0 = greedy accuracy only (default: ${DEFAULT-VALUE})")
    int k = 8;
    @Option(names = "--pass-k-problems", description = "held-out problems pass@k samples, the first N (default: ${DEFAULT-VALUE})")
    int problems = 200;

    /** One stage's sampled figures, or null when {@code --pass-k 0}. */
    record Sampled(double passAt1, double passAtK) {
    }

    void validate(int heldOut) {
        if (k < 0) {
            throw new IllegalArgumentException("--pass-k must be >= 0 (0 = off), got " + k);
        }
        if (k > 0 && (problems < 1 || problems > heldOut)) {
            throw new IllegalArgumentException("--pass-k-problems must be in [1, " + heldOut + "] (the held-out problems), got " + problems);
        }
    }

    Sampled measure(CausalLm policy, Tokenizer tokenizer, PromptFormat format, List<Problem> heldOut, int maxNewTokens, long seed) {
        if (k == 0) {
            return null;
        }
        List<Integer> ks = k == 1 ? List.of(1) : List.of(1, k);
        EvalResult r = new Evaluator(tokenizer, format).evaluate(policy, heldOut.subList(0, problems), maxNewTokens, k, ks, 1.0, seed);
        return new Sampled(r.passAtK().get(1), r.passAtK().get(k));
    }

    String describe(Sampled s) {
        return s == null ? "" : String.format(Locale.ROOT, "   pass@1 %5.1f%%   pass@%d %5.1f%%", 100 * s.passAt1(), k, 100 * s.passAtK());
    }

    String header() {
        return k == 0 ? "" : String.format(Locale.ROOT, " (pass@k: %d samples per problem at T 1 on the first %d)", k, problems);
    }
}
