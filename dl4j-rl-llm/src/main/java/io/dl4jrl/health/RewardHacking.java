package io.dl4jrl.health;

import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.StepMetrics;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reward hacking: the training reward rises while held-out accuracy falls (Gao et al., 2023, as in the reward-hacking
 * guard's metrics). Each held-out evaluation is paired with the mean {@code reward_mean} of the iterations since the
 * one before (the start evaluation with the first such window). The signal trips at an evaluation whose accuracy is
 * {@code hackingDrop} or more below the best so far while its reward window is above the best evaluation's.
 */
final class RewardHacking implements HealthSignal {
    private final double drop;
    private double bestAccuracy = Double.NaN;
    private double rewardAtBest = Double.NaN;
    private double pendingAccuracy = Double.NaN; // an evaluation waiting for the reward window that ends at its step
    private double windowSum;
    private int windowSize;
    private boolean bestAwaitsWindow;
    private boolean seenIteration;

    RewardHacking(HealthConfig c) {
        this.drop = c.hackingDrop();
    }

    @Override
    public String name() {
        return "reward_hacking";
    }

    @Override
    public String metric() {
        return "reward_mean";
    }

    @Override
    public boolean usesPatience() {
        return false;
    }

    @Override
    public void onEvaluation(long step, EvalResult result) {
        if (step == 0 || (Double.isNaN(bestAccuracy) && windowSize == 0 && !seenIteration)) {
            // The start evaluation, before any iteration: its reward is the first window's, known once an iteration ran.
            bestAccuracy = result.accuracy();
            rewardAtBest = Double.NaN;
            bestAwaitsWindow = true;
        } else {
            pendingAccuracy = result.accuracy();
        }
    }

    @Override
    public Optional<String> check(StepMetrics step) {
        seenIteration = true;
        Double reward = step.values().get("reward_mean");
        if (reward != null && Double.isFinite(reward)) {
            windowSum += reward;
            windowSize++;
        }
        if (bestAwaitsWindow && windowSize > 0) {
            rewardAtBest = windowSum / windowSize;
            bestAwaitsWindow = false;
        }
        if (Double.isNaN(pendingAccuracy)) {
            return Optional.empty();
        }
        double accuracy = pendingAccuracy;
        pendingAccuracy = Double.NaN;
        double window = windowSize == 0 ? Double.NaN : windowSum / windowSize;
        windowSum = 0;
        windowSize = 0;
        if (Double.isNaN(bestAccuracy) || accuracy > bestAccuracy) {
            bestAccuracy = accuracy;
            rewardAtBest = window;
            return Optional.empty();
        }
        if (accuracy <= bestAccuracy - drop + 1e-12 && window > rewardAtBest) {
            return Optional.of(String.format(Locale.ROOT, "held-out accuracy %.1f%% is %.1f points below its best %.1f%% while the mean "
                    + "reward rose from %s to %s", 100 * accuracy, 100 * (bestAccuracy - accuracy), 100 * bestAccuracy,
                    Readings.number(rewardAtBest), Readings.number(window)));
        }
        return Optional.empty();
    }

    @Override
    public Map<String, Double> thresholds() {
        return Map.of("accuracyDrop", drop);
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!Double.isNaN(bestAccuracy)) {
            m.put("bestAccuracy", bestAccuracy);
        }
        if (!Double.isNaN(rewardAtBest)) {
            m.put("rewardAtBest", rewardAtBest);
        }
        return m;
    }

    @Override
    public void restore(Map<String, Double> state) {
        bestAccuracy = state.getOrDefault("bestAccuracy", Double.NaN);
        rewardAtBest = state.getOrDefault("rewardAtBest", Double.NaN);
    }
}
