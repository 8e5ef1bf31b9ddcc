package io.dl4jrl.rl;

import io.dl4jrl.text.TokenIds;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.sampling.SampleBatch;
import io.dl4jrl.sampling.Sampler;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VinePPO's value-prediction diagnostics (Kazemnejad et al., 2024, Sec. 7): how well do values estimated at
 * the run's K, and a learned value head, match the truth on held-out states?
 * <ol>
 *   <li>One response is sampled per problem; its states are the ones VinePPO would estimate (the prompt and the
 *       step boundaries before the last step).</li>
 *   <li>From every state two alternative next steps are sampled; where both lead to non-final, different states,
 *       they form a pair whose better member a value estimate should pick.</li>
 *   <li>Ground truth: the Monte-Carlo mean of {@code groundTruthRollouts} completions per state. The Monte-Carlo
 *       estimate at the run's K uses fresh, independent completions.</li>
 * </ol>
 * Reported: mean absolute error to the ground truth over all states, top-1 accuracy over pairs with
 * different ground-truth values (a tie in the estimate counts one half), and the ranking accuracy over all pairs of
 * states whose ground-truth values differ (the same count over every such pair, not only alternatives from one state:
 * how well the estimate orders states, which matters where responses have one step and no alternative pairs exist),
 * for the Monte-Carlo estimate and, when one is given, the value head.
 */
public final class ValueDiagnostics {

    /**
     * @param states         states evaluated (the responses' states plus the alternatives')
     * @param pairs          alternative pairs with different ground-truth values
     * @param maeMonteCarlo  mean |V̂_K − V_true|
     * @param maeCritic      mean |V_head − V_true| (NaN without a value head)
     * @param top1MonteCarlo fraction of pairs where V̂_K picks the better next step
     * @param top1Critic     the same for the value head (NaN without one)
     * @param meanValue      mean ground-truth value of the states
     * @param rankedPairs    pairs of states (any two) with different ground-truth values
     * @param rankMonteCarlo fraction of those pairs that V̂_K orders as the truth does (ties count 1/2)
     * @param rankCritic     the same for the value head (NaN without one)
     */
    public record Report(int states, int pairs, double maeMonteCarlo, double maeCritic, double top1MonteCarlo,
                         double top1Critic, double meanValue, long rankedPairs, double rankMonteCarlo, double rankCritic) {

        /** As iteration metrics: {@code value_mae_mc}, {@code value_mae_critic}, {@code value_top1_mc}, ... */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("value_diag_states", (double) states);
            m.put("value_diag_pairs", (double) pairs);
            m.put("value_true_mean", meanValue);
            m.put("value_mae_mc", maeMonteCarlo);
            m.put("value_top1_mc", top1MonteCarlo);
            m.put("value_rank_pairs", (double) rankedPairs);
            m.put("value_rank_mc", rankMonteCarlo);
            if (!Double.isNaN(maeCritic)) {
                m.put("value_mae_critic", maeCritic);
                m.put("value_top1_critic", top1Critic);
                m.put("value_rank_critic", rankCritic);
            }
            return m;
        }
    }

    private final CausalLm policy;
    private final Tokenizer tokenizer;
    private final PromptFormat format;
    private final RewardFunction reward;
    private final VineConfig vine;
    private final int maxNewTokens;

    public ValueDiagnostics(CausalLm policy, Tokenizer tokenizer, PromptFormat format, RewardFunction reward, VineConfig vine,
                            int maxNewTokens) {
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.format = format;
        this.reward = reward;
        if (vine.temperature() == 0 || vine.topP() == 0) {
            throw new IllegalArgumentException("give the diagnostics a concrete temperature and top-p (VineConfig.resolve)");
        }
        this.vine = vine;
        this.maxNewTokens = maxNewTokens;
    }

    /** Measures on the first {@code vine.diagnosticsProblems()} of {@code problems}; {@code critic} may be null. */
    public Report measure(List<Problem> problems, StateValueFunction critic, long seed) {
        List<Problem> used = problems.subList(0, Math.min(problems.size(), vine.diagnosticsProblems()));
        SamplingConfig sampling = SamplingConfig.builder().maxNewTokens(maxNewTokens).temperature(vine.temperature())
                .topP(vine.topP()).maxBatchSize(64).build();
        Sampler sampler = new Sampler(tokenizer);
        StepSegmenter segmenter = vine.segmenter();

        List<int[]> prompts = new ArrayList<>();
        for (Problem p : used) {
            prompts.add(tokenizer.encode(format.prompt(p)));
        }
        SampleBatch responses = sampler.sample(policy, prompts, sampling, seed);
        List<VineValues.Prefix> states = new ArrayList<>();
        for (int i = 0; i < used.size(); i++) {
            int[] response = responses.responses()[i];
            int[] ends = segmenter.stepEnds(response, tokenizer);
            for (int j = 0; j < ends.length; j++) {
                int sofar = j == 0 ? 0 : ends[j - 1];
                states.add(new VineValues.Prefix(i, TokenIds.concat(prompts.get(i), Arrays.copyOf(response, sofar)), prompts.get(i).length));
            }
        }

        // Two alternative next steps from every state.
        List<int[]> continuationInputs = new ArrayList<>();
        for (VineValues.Prefix s : states) {
            continuationInputs.add(s.ids());
            continuationInputs.add(s.ids());
        }
        SampleBatch continuations = sampler.sample(policy, continuationInputs, sampling, seed ^ 0x632BE59BD9B4E019L);
        List<VineValues.Prefix> all = new ArrayList<>(states);
        List<int[]> pairs = new ArrayList<>(); // indices into all
        for (int s = 0; s < states.size(); s++) {
            VineValues.Prefix state = states.get(s);
            int[] a = nextState(state, continuations.responses()[2 * s]);
            int[] b = nextState(state, continuations.responses()[2 * s + 1]);
            if (a != null && b != null && !Arrays.equals(a, b)) {
                all.add(new VineValues.Prefix(state.row(), a, state.promptLength()));
                all.add(new VineValues.Prefix(state.row(), b, state.promptLength()));
                pairs.add(new int[]{all.size() - 2, all.size() - 1});
            }
        }

        double[] truth = VineValues.means(new PolicyRollouts(policy, tokenizer, reward, used::get, sampling, seed + 1)
                .rewards(all, vine.groundTruthRollouts()), vine.groundTruthRollouts());
        double[] mc = VineValues.means(new PolicyRollouts(policy, tokenizer, reward, used::get, sampling, seed + 2)
                .rewards(all, vine.rollouts()), vine.rollouts());
        double[] head = null;
        if (critic != null) {
            List<int[]> ids = new ArrayList<>();
            all.forEach(p -> ids.add(p.ids()));
            head = critic.values(ids);
        }

        List<int[]> decided = new ArrayList<>();
        for (int[] p : pairs) {
            if (truth[p[0]] != truth[p[1]]) {
                decided.add(p);
            }
        }
        double meanValue = Arrays.stream(truth).average().orElse(Double.NaN);
        return new Report(all.size(), decided.size(), mae(mc, truth), head == null ? Double.NaN : mae(head, truth),
                top1(mc, truth, decided), head == null ? Double.NaN : top1(head, truth, decided), meanValue,
                rankedPairs(truth), rank(mc, truth), head == null ? Double.NaN : rank(head, truth));
    }

    /** The state after the first step of {@code continuation}, or null when that step ends the response. */
    private int[] nextState(VineValues.Prefix state, int[] continuation) {
        int sofar = state.responseTokens();
        int[] response = TokenIds.concat(Arrays.copyOfRange(state.ids(), state.promptLength(), state.ids().length), continuation);
        int[] ends = vine.segmenter().stepEnds(response, tokenizer);
        for (int e : ends) {
            if (e > sofar) {
                return e == response.length ? null : TokenIds.concat(state.ids(), Arrays.copyOf(continuation, e - sofar));
            }
        }
        return null;
    }

    static double mae(double[] estimate, double[] truth) {
        double s = 0;
        for (int i = 0; i < truth.length; i++) {
            s += Math.abs(estimate[i] - truth[i]);
        }
        return truth.length == 0 ? Double.NaN : s / truth.length;
    }

    /** Pairs of states, any two, whose ground-truth values differ. */
    static long rankedPairs(double[] truth) {
        long n = 0;
        for (int i = 0; i < truth.length; i++) {
            for (int j = i + 1; j < truth.length; j++) {
                n += truth[i] != truth[j] ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * Ranking accuracy: over every pair of states with different ground-truth values, the fraction the estimate orders
     * the same way (ties in the estimate count 1/2; NaN when no pair differs). It is (1 + Kendall's tau-b-like
     * concordance) / 2 restricted to pairs the truth decides: 1 orders perfectly, 0.5 is a constant or random estimate.
     */
    static double rank(double[] estimate, double[] truth) {
        double hits = 0;
        long pairs = 0;
        for (int i = 0; i < truth.length; i++) {
            for (int j = i + 1; j < truth.length; j++) {
                if (truth[i] == truth[j]) {
                    continue;
                }
                double diff = estimate[i] - estimate[j];
                hits += diff == 0 ? 0.5 : (diff > 0) == (truth[i] > truth[j]) ? 1 : 0;
                pairs++;
            }
        }
        return pairs == 0 ? Double.NaN : hits / pairs;
    }

    /** Fraction of pairs whose better member (by truth) the estimate ranks higher; ties in the estimate count 1/2. */
    static double top1(double[] estimate, double[] truth, List<int[]> pairs) {
        if (pairs.isEmpty()) {
            return Double.NaN;
        }
        double hits = 0;
        for (int[] p : pairs) {
            boolean firstBetter = truth[p[0]] > truth[p[1]];
            double diff = estimate[p[0]] - estimate[p[1]];
            hits += diff == 0 ? 0.5 : (diff > 0) == firstBetter ? 1 : 0;
        }
        return hits / pairs.size();
    }

}
