package io.dl4jrl.cli;

import io.dl4jrl.pref.PreferenceJsonl;
import io.dl4jrl.pref.PreferencePair;
import io.dl4jrl.pref.SyntheticPreferences;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.task.ReasoningTask;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Where preference pairs come from: JSONL files, or the built-in set made from the task's train and test splits. */
final class PreferenceOptions {
    @Option(names = "--pairs", description = "training pairs, JSONL {prompt, chosen, rejected[, id, answer]} (default: built-in, from the task's train split)")
    Path pairs;
    @Option(names = "--held-out-pairs", description = "held-out pairs, JSONL (default: built-in, from the task's test split)")
    Path heldOutPairs;
    @Option(names = "--padded-share", description = "built-in set: share of concise-vs-padded pairs, the rest correct-vs-wrong (default: ${DEFAULT-VALUE})")
    double paddedShare = 0.25;
    @Option(names = "--pair-seed", description = "built-in set: corruption seed (default: ${DEFAULT-VALUE})")
    long seed = 7;

    List<PreferencePair> train(ReasoningTask task) throws IOException {
        return pairs != null ? PreferenceJsonl.load(pairs)
                : SyntheticPreferences.generate(task.train(), PromptFormat.DEFAULT, paddedShare, seed);
    }

    List<PreferencePair> heldOut(ReasoningTask task) throws IOException {
        return heldOutPairs != null ? PreferenceJsonl.load(heldOutPairs)
                : SyntheticPreferences.generate(task.test(), PromptFormat.DEFAULT, paddedShare, seed + 1);
    }
}
