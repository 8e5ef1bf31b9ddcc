package io.dl4jrl.rl;

import io.dl4jrl.text.TokenIds;
import io.dl4jrl.task.Problem;
import io.dl4jrl.text.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * RRL as a rollout source for any trainer preset (Dou et al., 2025, arXiv 2504.14363).
 * <ul>
 *   <li>Collect (iterations before {@code collectUntil}): the states of up to {@code responsesJudged} failed fresh
 *       responses, spread over the groups, (every step boundary after the first step, before the last) are valued by Monte Carlo with K
 *       completions from the current policy; states worth at least {@code admissionThreshold} enter the
 *       {@link ReplayBuffer}: the policy could sometimes finish them, yet this response did not.</li>
 *   <li>Replay (from {@code replayFrom}): {@code replayFraction} of the batch's prompt slots start from buffered
 *       states. A replayed group's prompt is the problem's prompt plus the stored prefix, so only the newly
 *       generated continuation is a response: the loss mask, log-probs and advantages cover it alone. Its G
 *       continuations form a group of their own, so group baselines (GRPO, RLOO, OPO) compare continuations of
 *       the same state, and the reward scores prefix + continuation as one answer.</li>
 * </ul>
 */
public final class RetrospectiveReplay {

    /** One prompt slot of a batch: a problem, and the response prefix its rollouts continue (empty when fresh). */
    public record Start(Problem problem, int[] prefix) {
        public boolean replayed() {
            return prefix.length > 0;
        }
    }

    private final ReplayConfig config;
    private final ReplayBuffer buffer;
    private long admitted;
    private final Map<String, Double> lastMetrics = new LinkedHashMap<>();

    public RetrospectiveReplay(ReplayConfig config) {
        this(config, new ReplayBuffer(config.capacity()));
    }

    public RetrospectiveReplay(ReplayConfig config, ReplayBuffer buffer) {
        this.config = config;
        this.buffer = buffer;
    }

    public ReplayBuffer buffer() {
        return buffer;
    }

    /**
     * How many of {@code slots} prompt slots replay buffered states this iteration, and which states: the rest
     * of the slots are left to fresh problems.
     */
    public List<ReplayBuffer.Entry> plan(long iteration, int slots, SplittableRandom random) {
        if (!config.enabled() || iteration < config.replayFrom() || buffer.size() == 0) {
            return List.of();
        }
        int n = (int) Math.round(config.replayFraction() * slots);
        return buffer.sample(Math.min(n, slots), random);
    }

    /** The start of a replayed slot: the problem with the stored prefix. */
    public static Start start(ReplayBuffer.Entry e, Map<String, Problem> problemsById) {
        Problem p = problemsById.get(e.problemId());
        if (p == null) {
            throw new IllegalStateException("replay buffer holds a state of problem '" + e.problemId()
                    + "', which is not in this run's training problems");
        }
        return new Start(p, e.prefix());
    }

    /**
     * After scoring: records fresh successes against buffered states, and during the collect phase judges the
     * states of failed fresh responses and admits the promising ones.
     *
     * @param starts     the start of every batch row
     * @param responses  the sampled response (continuation) of every row
     * @param correct    whether each row's answer was right
     * @param prompts    every row's prompt token ids (without the prefix)
     */
    public void observe(long iteration, List<Start> starts, int[][] responses, boolean[] correct, List<int[]> prompts,
                        StepSegmenter segmenter, Tokenizer tokenizer, VineValues.Rollouts rollouts) {
        lastMetrics.clear();
        int replayedRows = 0;
        int replayedCorrect = 0;
        int freshRows = 0;
        int freshCorrect = 0;
        for (int i = 0; i < starts.size(); i++) {
            if (starts.get(i).replayed()) {
                replayedRows++;
                replayedCorrect += correct[i] ? 1 : 0;
            } else {
                freshRows++;
                freshCorrect += correct[i] ? 1 : 0;
                if (correct[i]) {
                    buffer.solvedFromScratch(starts.get(i).problem().id(), iteration);
                }
            }
        }
        long admittedNow = 0;
        int judged = 0;
        if (config.enabled() && iteration < config.collectUntil()) {
            List<VineValues.Prefix> states = new ArrayList<>();
            List<Integer> stepOf = new ArrayList<>();
            for (int i : judgingOrder(starts, correct)) {
                if (judged == config.responsesJudged()) {
                    break;
                }
                judged++;
                int[] ends = segmenter.stepEnds(responses[i], tokenizer);
                for (int j = 0; j + 1 < ends.length; j++) { // boundaries after step j, before the last step
                    int[] ids = TokenIds.concat(prompts.get(i), Arrays.copyOf(responses[i], ends[j]));
                    states.add(new VineValues.Prefix(i, ids, prompts.get(i).length));
                    stepOf.add(j + 1);
                }
            }
            if (!states.isEmpty()) {
                double[] values = VineValues.means(rollouts.rewards(states, config.rollouts()), config.rollouts());
                for (int s = 0; s < states.size(); s++) {
                    double v = values[s];
                    if (v >= config.admissionThreshold()) {
                        VineValues.Prefix p = states.get(s);
                        int[] prefix = Arrays.copyOfRange(p.ids(), p.promptLength(), p.ids().length);
                        if (buffer.offer(new ReplayBuffer.Entry(starts.get(p.row()).problem().id(), prefix, stepOf.get(s), v,
                                iteration, false))) {
                            admittedNow++;
                        }
                    }
                }
            }
            lastMetrics.put("rrl_states_judged", (double) states.size());
        }
        admitted += admittedNow;
        lastMetrics.put("rrl_admitted", (double) admittedNow);
        lastMetrics.put("rrl_buffer_size", (double) buffer.size());
        lastMetrics.put("rrl_replay_fraction", starts.isEmpty() ? 0 : (double) replayedRows / starts.size());
        lastMetrics.put("rrl_fresh_success", freshRows == 0 ? Double.NaN : (double) freshCorrect / freshRows);
        if (replayedRows > 0) {
            lastMetrics.put("rrl_replay_success", (double) replayedCorrect / replayedRows);
        }
        lastMetrics.put("rrl_solved_from_scratch", (double) buffer.solvedFromScratchCount());
    }

    /**
     * Fresh rows eligible for judging, spread over the batch's groups: the first eligible response of every
     * group, then the second of every group, and so on, so that a per-iteration cap does not spend itself on the
     * first prompts' groups (whose responses often share their first steps).
     */
    private List<Integer> judgingOrder(List<Start> starts, boolean[] correct) {
        Map<Start, Integer> seen = new java.util.IdentityHashMap<>();
        List<int[]> ranked = new ArrayList<>(); // {rank within its group, row}
        for (int i = 0; i < starts.size(); i++) {
            if (starts.get(i).replayed() || (config.failedOnly() && correct[i])) {
                continue;
            }
            int rank = seen.merge(starts.get(i), 1, Integer::sum) - 1;
            ranked.add(new int[]{rank, i});
        }
        ranked.sort(java.util.Comparator.<int[]>comparingInt(r -> r[0]).thenComparingInt(r -> r[1]));
        List<Integer> order = new ArrayList<>(ranked.size());
        ranked.forEach(r -> order.add(r[1]));
        return order;
    }

    /** The metrics of the last {@link #observe}: buffer size, replay fraction, success of replayed vs fresh rollouts, ... */
    public Map<String, Double> metrics() {
        return Map.copyOf(lastMetrics);
    }

    public long admittedTotal() {
        return admitted;
    }
}
