package io.dl4jrl.cli;

import io.dl4jrl.pref.JudgeLabeler;
import io.dl4jrl.pref.PreferenceJsonl;
import io.dl4jrl.pref.PreferencePair;
import io.dl4jrl.pref.SyntheticPreferences;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.task.ReasoningTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Writes preference pairs as JSONL: the built-in synthetic set, or a policy's samples labelled by a checker, reward model or judge. */
@Command(name = "preferences", mixinStandardHelpOptions = true,
        description = "Write preference pairs (JSONL): built-in synthetic pairs from reference solutions, or pairs of a policy's own samples "
                + "labelled by the checker, a reward model or a judge (RLAIF).")
final class PreferencesCommand implements Callable<Integer> {
    @Mixin
    TaskOptions task = new TaskOptions();
    @Option(names = "--split", description = "train or test (default: ${DEFAULT-VALUE})")
    String split = "train";
    @Option(names = "--problems", description = "use the first N problems of the split (default: all)")
    Integer problems;
    @Option(names = "--from", description = "policy checkpoint to sample from; without it, the synthetic set is written")
    Path from;
    @picocli.CommandLine.Mixin
    PolicySource modelSource = new PolicySource();
    @Option(names = "--label-with", description = "correctness, reward-model:<checkpoint> or judge:<checkpoint> (default: ${DEFAULT-VALUE})")
    String labelWith = "correctness";
    @Option(names = "--samples", description = "responses sampled per prompt (default: ${DEFAULT-VALUE})")
    int samples = 4;
    @Option(names = "--min-gap", description = "smallest score gap between chosen and rejected (default: ${DEFAULT-VALUE})")
    double minGap = 0.5;
    @Option(names = "--temperature", description = "sampling temperature (default: ${DEFAULT-VALUE})")
    double temperature = 1.0;
    @Option(names = "--max-new-tokens", description = "response budget (default: ${DEFAULT-VALUE})")
    int maxNewTokens = 48;
    @Option(names = "--padded-share", description = "synthetic set: share of concise-vs-padded pairs (default: ${DEFAULT-VALUE})")
    double paddedShare = 0.25;
    @Option(names = "--seed", description = "corruption / sampling seed (default: ${DEFAULT-VALUE})")
    long seed = 7;
    @Option(names = "--out", required = true, description = "JSONL file to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        ReasoningTask t = task.load();
        List<Problem> source = switch (split) {
            case "train" -> t.train();
            case "test" -> t.test();
            default -> throw new IllegalArgumentException("--split must be train or test, got '" + split + "'");
        };
        if (problems != null) {
            source = source.subList(0, Math.min(problems, source.size()));
        }
        List<PreferencePair> pairs;
        if (from == null) {
            pairs = SyntheticPreferences.generate(source, PromptFormat.DEFAULT, paddedShare, seed);
            System.out.printf(Locale.ROOT, "synthetic preferences from %d %s problems%n", source.size(), split);
        } else {
            io.dl4jrl.text.Tokenizer tokenizer = modelSource.tokenizer();
            io.dl4jrl.policy.CausalLm policy = modelSource.load(from, "--from");
            PolicySource.checkVocabulary(policy, tokenizer);
            SamplingConfig sampling = SamplingConfig.builder().maxNewTokens(maxNewTokens).temperature(temperature).maxBatchSize(64).build();
            JudgeLabeler.Labeled labeled = new JudgeLabeler(Scorers.parse(labelWith, tokenizer, modelSource.promptFormat()), tokenizer, modelSource.promptFormat(), samples,
                    minGap, sampling).label(policy, source, seed);
            pairs = labeled.pairs();
            System.out.printf(Locale.ROOT, "labelled %s's samples with %s: %s%n", from, labelWith, labeled.metrics());
        }
        PreferenceJsonl.write(out, pairs);
        System.out.printf(Locale.ROOT, "wrote %d pairs to %s%n", pairs.size(), out);
        return 0;
    }
}
