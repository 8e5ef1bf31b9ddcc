package io.dl4jrl.cli;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.ReasoningTask;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Greedy accuracy and pass@k of a checkpoint or a Hugging Face model (--model) on held-out problems.")
final class EvalCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--checkpoint", description = "checkpoint file (.ckpt)")
    Path checkpoint;
    @Mixin
    PolicySource source = new PolicySource();
    @Mixin
    TaskOptions task = new TaskOptions();
    @Option(names = "--problems", description = "evaluate the first N held-out problems, 0 = all (default: ${DEFAULT-VALUE})")
    int problems = 0;
    @Option(names = "--max-new-tokens", description = "response budget (default: ${DEFAULT-VALUE})")
    int maxNewTokens = 32;
    @Option(names = "--pass-k", split = ",", description = "k values for pass@k, e.g. 1,4 (default: none)")
    List<Integer> passK = List.of();
    @Option(names = "--samples", description = "samples per problem for pass@k (default: ${DEFAULT-VALUE})")
    int samples = 8;
    @Option(names = "--temperature", description = "sampling temperature for pass@k (default: ${DEFAULT-VALUE})")
    double temperature = 0.8;
    @Option(names = "--seed", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Override
    public Integer call() throws Exception {
        if ((checkpoint != null) == source.hasModel()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give exactly one of --checkpoint and --model");
        }
        io.dl4jrl.policy.CausalLm policy;
        if (checkpoint != null) {
            Checkpoint c = CheckpointStore.load(checkpoint);
            policy = CheckpointStore.loadModel(c);
        } else {
            policy = source.loadModel();
        }
        io.dl4jrl.text.Tokenizer tokenizer = source.tokenizer();
        PolicySource.checkVocabulary(policy, tokenizer);
        ReasoningTask t = task.loadHeldOut();
        if (problems < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--problems must be >= 0 (0 = all), got " + problems);
        }
        List<Problem> heldOut = problems > 0 ? t.test().subList(0, Math.min(problems, t.test().size())) : t.test();
        EvalResult r = new Evaluator(tokenizer, source.promptFormat())
                .evaluate(policy, heldOut, maxNewTokens, passK.isEmpty() ? 0 : samples, passK, temperature, seed);
        System.out.printf(Locale.ROOT, "%s on %s: greedy accuracy %.1f%% (%d/%d), mean response %.1f tokens%n",
                checkpoint != null ? checkpoint : source.model, t.name(), 100 * r.accuracy(), r.correct(), r.problems(), r.meanResponseLength());
        r.accuracyByLevel().forEach((level, acc) -> System.out.printf(Locale.ROOT, "  level %d: %.1f%%%n", level, 100 * acc));
        r.passAtK().forEach((k, v) -> System.out.printf(Locale.ROOT, "  pass@%d: %.1f%% (%d samples, T=%.2f)%n", k, 100 * v, samples, temperature));
        return 0;
    }
}
