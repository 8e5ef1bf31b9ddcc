package io.dl4jrl.pref;

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

/**
 * Builds preference data from a policy's own samples with a scorer: a judge ({@link JudgeReward}, RLAIF's labelling
 * step), a trained reward model ({@link LearnedReward}), or the task's checker (verifiable labels).
 * {@code samples} responses per prompt, each scored; the best and the worst response of a prompt become a pair when
 * their scores differ by at least {@code minGap}. On a task with a checker it also reports how often the label
 * agrees with the truth (chosen correct, rejected wrong).
 */
public final class JudgeLabeler {
    private final RewardFunction scorer;
    private final Tokenizer tokenizer;
    private final PromptFormat format;
    private final int samples;
    private final double minGap;
    private final SamplingConfig sampling;

    /** Labelled pairs and labelling statistics ({@code pairs}, {@code prompts}, {@code label_agreement}, {@code mean_score}). */
    public record Labeled(List<PreferencePair> pairs, Map<String, Double> metrics) {
    }

    public JudgeLabeler(RewardFunction scorer, Tokenizer tokenizer, PromptFormat format, int samples, double minGap, SamplingConfig sampling) {
        if (samples < 2) {
            throw new IllegalArgumentException("samples must be >= 2 to form a pair, got " + samples);
        }
        if (!(minGap > 0)) {
            throw new IllegalArgumentException("minGap must be > 0, got " + minGap);
        }
        this.scorer = scorer;
        this.tokenizer = tokenizer;
        this.format = format;
        this.samples = samples;
        this.minGap = minGap;
        this.sampling = sampling;
    }

    public Labeled label(CausalLm policy, List<Problem> problems, long seed) {
        List<int[]> prompts = new ArrayList<>(problems.size() * samples);
        List<String> promptTexts = new ArrayList<>(problems.size() * samples);
        List<Problem> rows = new ArrayList<>(problems.size() * samples);
        for (Problem p : problems) {
            String text = format.prompt(p);
            int[] ids = tokenizer.encode(text);
            for (int s = 0; s < samples; s++) {
                prompts.add(ids);
                promptTexts.add(text);
                rows.add(p);
            }
        }
        SampleBatch batch = new Sampler(tokenizer).sample(policy, prompts, sampling, seed);
        List<String> responses = new ArrayList<>(batch.size());
        for (int[] r : batch.responses()) {
            responses.add(tokenizer.decode(r).strip());
        }
        double[] scores = scorer.scoreAll(rows, responses);
        CorrectnessReward checker = new CorrectnessReward();
        List<PreferencePair> pairs = new ArrayList<>();
        int agree = 0;
        int checkable = 0;
        double scoreSum = 0;
        for (int i = 0; i < problems.size(); i++) {
            int best = i * samples;
            int worst = i * samples;
            for (int s = i * samples; s < (i + 1) * samples; s++) {
                scoreSum += scores[s];
                best = scores[s] > scores[best] ? s : best;
                worst = scores[s] < scores[worst] ? s : worst;
            }
            if (scores[best] - scores[worst] < minGap || responses.get(best).equals(responses.get(worst))) {
                continue;
            }
            Problem p = problems.get(i);
            pairs.add(new PreferencePair(p.id() + "-sampled", promptTexts.get(best), responses.get(best), responses.get(worst), p.answer()));
            checkable++;
            boolean truth = checker.score(p, responses.get(best)) > 0 && !(checker.score(p, responses.get(worst)) > 0);
            agree += truth ? 1 : 0;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("prompts", (double) problems.size());
        m.put("pairs", (double) pairs.size());
        m.put("mean_score", scores.length == 0 ? 0 : scoreSum / scores.length);
        m.put("label_agreement", checkable == 0 ? 0 : (double) agree / checkable);
        return new Labeled(pairs, m);
    }
}
