package io.dl4jrl.cli;

import io.dl4jrl.examples.ownmodel.OwnModelExample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "example", mixinStandardHelpOptions = true,
        description = "Runs a worked example: own-model (a SameDiff causal LM of your own through SFT, GRPO with a KL reference, "
                + "checkpoint, reload and evaluation)")
final class ExampleCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "which example: own-model")
    String name;
    @Option(names = "--out", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "own-model");
    @Option(names = "--sft-steps", description = "SFT steps of 32 problems (default: ${DEFAULT-VALUE})")
    int sftSteps = OwnModelExample.Settings.defaults().sftSteps();
    @Option(names = "--rl-iterations", description = "GRPO iterations of 16 x 8 responses (default: ${DEFAULT-VALUE})")
    int rlIterations = OwnModelExample.Settings.defaults().rlIterations();
    @Option(names = "--problems", description = "held-out problems scored (default: ${DEFAULT-VALUE})")
    int problems = OwnModelExample.Settings.defaults().evalProblems();

    @Override
    public Integer call() throws Exception {
        if (!name.equals("own-model")) {
            throw new IllegalArgumentException("unknown example '" + name + "' (known: own-model)");
        }
        Files.createDirectories(out);
        OwnModelExample.Settings d = OwnModelExample.Settings.defaults();
        OwnModelExample.run(new OwnModelExample.Settings(d.width(), d.layers(), sftSteps, rlIterations, problems, d.seed()), out, System.out);
        return 0;
    }
}
