package io.dl4jrl.rl;

import io.dl4jrl.text.TokenIds;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.task.Problem;
import io.dl4jrl.text.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * VinePPO's rollout engine on a policy: K completions of every prefix, batched through the KV-cache sampler,
 * each scored like a training response. The response budget counts from the start of the response, so a
 * prefix that already holds m response tokens has {@code maxNewTokens − m} left; a completion that runs past
 * it is cut there and scored as the trainer scores a cut-off response (the reward function sees the cut
 * text; the built-in rewards give 0 without a final answer). Counts and time are kept for metrics.
 */
public final class PolicyRollouts implements VineValues.Rollouts {
    private final CausalLm policy;
    private final Tokenizer tokenizer;
    private final RewardFunction reward;
    private final IntFunction<Problem> problemOfRow;
    private final SamplingConfig sampling;
    private final io.dl4jrl.sampling.SamplingEngine engine;
    private final long version;
    private long seed;
    private long completions;
    private long tokens;
    private long nanos;

    /**
     * @param problemOfRow the problem of batch row {@link VineValues.Prefix#row()}
     * @param sampling     temperature, top-p and the full response budget {@code maxNewTokens}
     * @param seed         seed of the first call; every call advances it, so repeated calls draw fresh completions
     */
    public PolicyRollouts(CausalLm policy, Tokenizer tokenizer, RewardFunction reward, IntFunction<Problem> problemOfRow,
                          SamplingConfig sampling, long seed) {
        this(policy, tokenizer, reward, problemOfRow, sampling, seed, io.dl4jrl.sampling.SamplingEngine.inProcess(tokenizer), 0);
    }

    /** The same, sampling through {@code engine} with the policy's weights at {@code version}. */
    public PolicyRollouts(CausalLm policy, Tokenizer tokenizer, RewardFunction reward, IntFunction<Problem> problemOfRow,
                          SamplingConfig sampling, long seed, io.dl4jrl.sampling.SamplingEngine engine, long version) {
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.reward = reward;
        this.problemOfRow = problemOfRow;
        this.sampling = sampling;
        this.engine = engine;
        this.version = version;
        this.seed = seed;
    }

    @Override
    public double[] rewards(List<VineValues.Prefix> prefixes, int k) {
        long t0 = System.nanoTime();
        List<int[]> inputs = new ArrayList<>(prefixes.size() * k);
        for (VineValues.Prefix p : prefixes) {
            for (int c = 0; c < k; c++) {
                inputs.add(p.ids());
            }
        }
        double[] rewards = new double[inputs.size()];
        if (!inputs.isEmpty()) {
            SampleBatch batch = engine.sample(policy, version, inputs, sampling, seed);
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            List<io.dl4jrl.task.Problem> problems = new ArrayList<>(inputs.size());
            List<String> texts = new ArrayList<>(inputs.size());
            for (int p = 0; p < prefixes.size(); p++) {
                VineValues.Prefix prefix = prefixes.get(p);
                int left = Math.max(0, sampling.maxNewTokens() - prefix.responseTokens());
                int[] sofar = Arrays.copyOfRange(prefix.ids(), prefix.promptLength(), prefix.ids().length);
                for (int c = 0; c < k; c++) {
                    int[] completion = batch.responses()[p * k + c];
                    int[] kept = completion.length > left ? Arrays.copyOf(completion, left) : completion;
                    tokens += kept.length;
                    problems.add(problemOfRow.apply(prefix.row()));
                    texts.add(tokenizer.decode(TokenIds.concat(sofar, kept)));
                }
            }
            rewards = reward.scoreAll(problems, texts);
        }
        completions += inputs.size();
        nanos += System.nanoTime() - t0;
        return rewards;
    }

    @Override
    public java.util.Map<String, Double> metrics() {
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("vine_completions", (double) completions());
        m.put("vine_sampled_tokens", (double) sampledTokens());
        m.put("time_vine_rollouts_s", seconds());
        return m;
    }

    public long completions() {
        return completions;
    }

    public long sampledTokens() {
        return tokens;
    }

    public double seconds() {
        return nanos / 1e9;
    }

}
