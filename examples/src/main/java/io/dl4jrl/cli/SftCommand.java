package io.dl4jrl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "sft", mixinStandardHelpOptions = true,
        description = "Supervised warm-up on reference solutions (prompt tokens masked out of the loss); resumable.")
final class SftCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    TaskOptions task = new TaskOptions();
    @Mixin
    SftOptions sft = new SftOptions();
    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs", "sft");
    @Option(names = "--overwrite", description = "replace the earlier run in --out (its metrics, plot and checkpoints) instead of refusing")
    boolean overwrite;
    @Mixin
    PolicySource source = new PolicySource();
    @Option(names = "--resume", description = "continue from this SFT checkpoint (same --steps and --seed as the original run)")
    Path resume;
    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = 100;
    @Option(names = "--log-every", description = "also log step metrics through SLF4J (logger io.dl4jrl.train.metrics) every N steps; 0 = off (default: ${DEFAULT-VALUE})")
    int logEvery = 0;

    @Override
    public Integer call() throws Exception {
        RunFolder.claim(out, resume != null, overwrite);
        SftJob.report(SftJob.run(model, source, task.load(), sft.config(), out, resume, checkpointEvery, System.out,
                Logs.every(logEvery)), System.out);
        return 0;
    }
}
