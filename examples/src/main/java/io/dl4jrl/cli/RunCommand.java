package io.dl4jrl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The main job on embedded defaults: a small policy SFT-trained on the easiest built-in arithmetic level,
 * evaluated before and after on held-out problems.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Main job: build a small policy, SFT it on the built-in task, print held-out accuracy.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    TaskOptions task = new TaskOptions();
    @Mixin
    SftOptions sft = new SftOptions();
    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "main");
    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = 100;

    @Override
    public Integer call() throws Exception {
        SftJob.Outcome o = SftJob.run(model, task, sft.config(), out, null, checkpointEvery, System.out);
        SftJob.report(o, System.out);
        return 0;
    }
}
