package io.dl4jrl.rl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reward-hacking guard metrics for a learned or judged reward on a task that also has a checker: how well the
 * optimised reward still tracks true correctness on the policy's own samples. A policy that games a reward model
 * shows a rising {@code reward_mean} while {@code accuracy} stalls and these fall (Gao et al., 2023, "Scaling laws
 * for reward model overoptimization").
 * <ul>
 *   <li>{@code reward_correctness_correlation}: Pearson correlation of reward and 0/1 correctness over the batch
 *       (0 when either is constant);</li>
 *   <li>{@code reward_gap_correct_minus_wrong}: mean reward of correct responses minus that of wrong ones, present
 *       only when the batch holds both;</li>
 *   <li>{@code reward_ranking_accuracy}: over all (correct, wrong) pairs of responses to the same prompt group,
 *       the share the reward ranks right (ties count half), present when some group holds both.</li>
 * </ul>
 */
public final class RewardHackingGuard implements IterationProbe {
    /** On for runs whose reward is not the task's checker (a learned or judged reward). */
    public RewardHackingGuard() {
    }

    @Override
    public String name() {
        return "reward_hacking";
    }

    @Override
    public Map<String, Double> measure(IterationView view) {
        Rollouts r = view.rollouts();
        return metrics(r.taskRewards(), r.correctness(), r.groupSize());
    }

    /** @param groupSize responses per prompt, rows {@code [g·k, g·k + groupSize)} answering the same prompt */
    public static Map<String, Double> metrics(double[] reward, double[] correctness, int groupSize) {
        int n = reward.length;
        Map<String, Double> m = new LinkedHashMap<>();
        double mr = 0;
        double mc = 0;
        for (int i = 0; i < n; i++) {
            mr += reward[i] / n;
            mc += correctness[i] / n;
        }
        double cov = 0;
        double vr = 0;
        double vc = 0;
        double sumRight = 0;
        double sumWrong = 0;
        int right = 0;
        for (int i = 0; i < n; i++) {
            cov += (reward[i] - mr) * (correctness[i] - mc);
            vr += (reward[i] - mr) * (reward[i] - mr);
            vc += (correctness[i] - mc) * (correctness[i] - mc);
            if (correctness[i] > 0) {
                sumRight += reward[i];
                right++;
            } else {
                sumWrong += reward[i];
            }
        }
        m.put("reward_correctness_correlation", vr > 0 && vc > 0 ? cov / Math.sqrt(vr * vc) : 0.0);
        if (right > 0 && right < n) {
            m.put("reward_gap_correct_minus_wrong", sumRight / right - sumWrong / (n - right));
        }
        double ranked = 0;
        int pairs = 0;
        for (int from = 0; from + groupSize <= n; from += groupSize) {
            for (int a = from; a < from + groupSize; a++) {
                for (int b = from; b < from + groupSize; b++) {
                    if (correctness[a] > 0 && !(correctness[b] > 0)) {
                        pairs++;
                        ranked += reward[a] > reward[b] ? 1 : reward[a] == reward[b] ? 0.5 : 0;
                    }
                }
            }
        }
        if (pairs > 0) {
            m.put("reward_ranking_accuracy", ranked / pairs);
        }
        return m;
    }
}
