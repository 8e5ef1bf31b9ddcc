package io.dl4jrl.train;

import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.sampling.Sampler;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.Tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Greedy accuracy and pass@k of a policy on held-out problems. */
public final class Evaluator {
    private final Tokenizer tokenizer;
    private final PromptFormat format;
    private final RewardFunction correctness;
    private final Sampler sampler;

    public Evaluator(Tokenizer tokenizer, PromptFormat format) {
        this(tokenizer, format, new CorrectnessReward());
    }

    /** @param correctness a reward that is 1 for a correct response and 0 otherwise */
    public Evaluator(Tokenizer tokenizer, PromptFormat format, RewardFunction correctness) {
        this.tokenizer = tokenizer;
        this.format = format;
        this.correctness = correctness;
        this.sampler = new Sampler(tokenizer);
    }

    /** Greedy accuracy only. */
    public EvalResult evaluate(CausalLm policy, List<Problem> problems, int maxNewTokens) {
        return evaluate(policy, problems, maxNewTokens, 0, List.of(), 1.0, 0);
    }

    /**
     * Greedy accuracy, plus pass@k for each k in {@code ks} from {@code samples} draws per problem at
     * {@code temperature} (needs samples >= max k).
     */
    public EvalResult evaluate(CausalLm policy, List<Problem> problems, int maxNewTokens, int samples, List<Integer> ks,
                               double temperature, long seed) {
        for (int k : ks) {
            if (k < 1 || k > samples) {
                throw new IllegalArgumentException("pass@" + k + " needs 1 <= k <= samples (" + samples + ")");
            }
        }
        List<int[]> prompts = new ArrayList<>(problems.size());
        for (Problem p : problems) {
            prompts.add(tokenizer.encode(format.prompt(p)));
        }
        SampleBatch greedy = sampler.sample(policy, prompts, SamplingConfig.greedy(maxNewTokens), seed);
        int correct = 0;
        long tokens = 0;
        Map<Integer, int[]> byLevel = new TreeMap<>();
        List<EvalResult.Example> examples = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            String response = tokenizer.decode(greedy.responses()[i]);
            boolean ok = correctness.score(problems.get(i), response) >= 1.0;
            correct += ok ? 1 : 0;
            tokens += greedy.length(i);
            int[] counts = byLevel.computeIfAbsent(problems.get(i).level(), l -> new int[2]);
            counts[0] += ok ? 1 : 0;
            counts[1]++;
            if (examples.size() < 3) {
                examples.add(new EvalResult.Example(problems.get(i).question(), response, ok));
            }
        }
        Map<Integer, Double> accuracyByLevel = new TreeMap<>();
        byLevel.forEach((level, c) -> accuracyByLevel.put(level, (double) c[0] / c[1]));
        Map<Integer, Double> passAtK = new LinkedHashMap<>();
        if (!ks.isEmpty()) {
            List<int[]> repeated = new ArrayList<>(problems.size() * samples);
            for (int[] p : prompts) {
                for (int s = 0; s < samples; s++) {
                    repeated.add(p);
                }
            }
            SampleBatch drawn = sampler.sample(policy, repeated,
                    SamplingConfig.builder().maxNewTokens(maxNewTokens).temperature(temperature).build(), seed + 1);
            double[] sums = new double[ks.size()];
            for (int i = 0; i < problems.size(); i++) {
                int c = 0;
                for (int s = 0; s < samples; s++) {
                    c += correctness.score(problems.get(i), tokenizer.decode(drawn.responses()[i * samples + s])) >= 1.0 ? 1 : 0;
                }
                for (int j = 0; j < ks.size(); j++) {
                    sums[j] += passAtK(samples, c, ks.get(j));
                }
            }
            for (int j = 0; j < ks.size(); j++) {
                passAtK.put(ks.get(j), sums[j] / problems.size());
            }
        }
        double meanLength = problems.isEmpty() ? 0 : (double) tokens / problems.size();
        return new EvalResult(problems.size(), correct, accuracyByLevel, passAtK, meanLength, examples);
    }

    /**
     * Unbiased pass@k from n samples with c correct (Chen et al., 2021, eq. 1):
     * 1 - C(n-c, k) / C(n, k), computed as a product to stay stable.
     */
    public static double passAtK(int n, int c, int k) {
        if (n < k || k < 1 || c < 0 || c > n) {
            throw new IllegalArgumentException("need 1 <= k <= n and 0 <= c <= n, got n=" + n + " c=" + c + " k=" + k);
        }
        if (n - c < k) {
            return 1.0;
        }
        double allWrong = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            allWrong *= 1.0 - (double) k / i;
        }
        return 1.0 - allWrong;
    }
}
