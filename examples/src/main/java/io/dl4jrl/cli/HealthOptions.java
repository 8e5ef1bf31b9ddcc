package io.dl4jrl.cli;

import io.dl4jrl.health.HealthConfig;
import io.dl4jrl.health.HealthMonitor;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The training-health monitors of an RL run (docs/rl.md, "Health monitors"): what a trip does, and the thresholds. */
final class HealthOptions {
    @Option(names = "--health", description = "training-health monitors: warn (log and record in health.json), stop (also end the run "
            + "there, evaluated and checkpointed) or off (default: ${DEFAULT-VALUE})")
    String action = "warn";
    @Option(names = "--health-patience", description = "iterations in a row a condition must hold before it trips (default: 2)")
    Integer patience;
    @Option(names = "--health-entropy-ratio", description = "entropy collapse: entropy below this share of the first iteration's (default: 0.1)")
    Double entropyRatio;
    @Option(names = "--health-kl-max", description = "KL blow-up: kl_to_reference above this, nats per token (default: 1)")
    Double klMax;
    @Option(names = "--health-hacking-drop", description = "reward hacking: held-out accuracy this share below its best while the reward "
            + "rose (default: 0.1)")
    Double hackingDrop;
    @Option(names = "--health-reward-collapse", description = "reward collapse: mean training reward below this share of the first "
            + "iteration's (default: 0.25)")
    Double rewardCollapse;
    @Option(names = "--health-length-explosion", description = "length explosion: response length above this multiple of the first "
            + "iteration's (default: 3)")
    Double lengthExplosion;
    @Option(names = "--health-length-collapse", description = "length collapse: response length below this share of the first "
            + "iteration's (default: 0.25)")
    Double lengthCollapse;
    @Option(names = "--health-clip-max", description = "clip saturation: clip_fraction above this (default: 0.5)")
    Double clipMax;
    @Option(names = "--health-mismatch-max", description = "sampler mismatch: sampler_mismatch_kl above this, nats per token (default: 0.01)")
    Double mismatchMax;

    /** The monitor writing {@code dir/health.json} (continuing it when resuming), or null with {@code --health off}. */
    HealthMonitor monitor(Path dir, boolean resuming) throws IOException {
        String a = action.trim().toLowerCase(Locale.ROOT);
        if (a.equals("off")) {
            return null;
        }
        HealthConfig.Builder b = HealthConfig.builder();
        try {
            b.action(HealthConfig.Action.parse(a));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--health: unknown action '" + action + "'; use warn, stop or off");
        }
        if (patience != null) b.patience(patience);
        if (entropyRatio != null) b.entropyCollapseRatio(entropyRatio);
        if (klMax != null) b.klMax(klMax);
        if (hackingDrop != null) b.hackingDrop(hackingDrop);
        if (rewardCollapse != null) b.rewardCollapseRatio(rewardCollapse);
        if (lengthExplosion != null) b.lengthExplosionRatio(lengthExplosion);
        if (lengthCollapse != null) b.lengthCollapseRatio(lengthCollapse);
        if (clipMax != null) b.clipFractionMax(clipMax);
        if (mismatchMax != null) b.mismatchKlMax(mismatchMax);
        HealthConfig config;
        try {
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--health-*: " + e.getMessage(), e);
        }
        Path file = dir.resolve("health.json");
        return resuming ? HealthMonitor.continuing(config, file) : new HealthMonitor(config, file);
    }
}
