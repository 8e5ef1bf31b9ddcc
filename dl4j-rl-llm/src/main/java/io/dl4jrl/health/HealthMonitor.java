package io.dl4jrl.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dl4jrl.checkpoint.AtomicFiles;
import io.dl4jrl.train.EvalResult;
import io.dl4jrl.train.StepMetrics;
import io.dl4jrl.train.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Watches a run's training-health signals ({@link HealthSignals}) as a {@link TrainingListener}: entropy collapse, KL to
 * the reference blowing up, reward rising while held-out accuracy falls, response length exploding or collapsing, the
 * clip saturating, the sampler drifting from the trainer. A signal whose condition holds {@code patience} iterations in
 * a row trips: the monitor logs a warning naming the signal and its reading and, with {@link HealthConfig.Action#STOP},
 * asks the loop to stop there (the run ends evaluated and checkpointed, as an early stop does). Each signal trips once
 * per run.
 *
 * <p>With a file, the monitor keeps {@code health.json} up to date (atomically) after every iteration that changed it
 * and at the end: status ({@code ok}, {@code warned}, {@code stopped}), thresholds, each signal's last reading and start
 * values, and the trips with their iteration. A monitor created with {@link #continuing} on a resumed run reads them
 * back, so the signals keep the run's own start values.
 */
public final class HealthMonitor implements TrainingListener {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One tripped signal. */
    public record Trip(long step, String signal, String metric, String reading) {
        /** The one-line message a trip logs and a stopped run reports. */
        public String message() {
            return "health monitor: " + signal + " at iteration " + step + ": " + reading;
        }
    }

    private final HealthConfig config;
    private final Path file;
    private final List<HealthSignal> signals;
    private final Map<String, Integer> streaks = new HashMap<>();
    private final Map<String, Double> lastReadings = new LinkedHashMap<>();
    private final List<Trip> trips = new ArrayList<>();
    private Trip stoppedBy;
    private long lastStep;

    /** @param file health.json to keep, or null for none */
    public HealthMonitor(HealthConfig config, Path file) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.file = file;
        this.signals = HealthSignals.all(config);
    }

    /** A monitor for a resumed run: the signals' start values and earlier trips are read from {@code file} when it exists. */
    public static HealthMonitor continuing(HealthConfig config, Path file) throws IOException {
        HealthMonitor m = new HealthMonitor(config, file);
        if (file != null && Files.isRegularFile(file)) {
            JsonNode root;
            try {
                root = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new IOException(file + ": not a health summary: " + e.getMessage(), e);
            }
            for (HealthSignal s : m.signals) {
                JsonNode state = root.path("signals").path(s.name()).path("state");
                Map<String, Double> restored = new LinkedHashMap<>();
                state.fields().forEachRemaining(f -> restored.put(f.getKey(), f.getValue().asDouble()));
                s.restore(restored);
            }
            for (JsonNode t : root.path("trips")) {
                m.trips.add(new Trip(t.path("step").asLong(), t.path("signal").asText(), t.path("metric").asText(), t.path("reading").asText()));
            }
        }
        return m;
    }

    @Override
    public void onEvaluation(long step, EvalResult result) {
        signals.forEach(s -> s.onEvaluation(step, result));
    }

    @Override
    public void onStep(StepMetrics metrics) {
        lastStep = metrics.step();
        boolean changed = false;
        for (HealthSignal s : signals) {
            Optional<String> reading = s.check(metrics);
            Double value = metrics.values().get(s.metric());
            if (value != null && Double.isFinite(value)) {
                lastReadings.put(s.name(), value);
            }
            int streak = reading.isPresent() ? streaks.getOrDefault(s.name(), 0) + 1 : 0;
            streaks.put(s.name(), streak);
            boolean tripped = trips.stream().anyMatch(t -> t.signal().equals(s.name()));
            if (reading.isPresent() && !tripped && streak >= (s.usesPatience() ? config.patience() : 1)) {
                Trip trip = new Trip(metrics.step(), s.name(), s.metric(), reading.get()
                        + (s.usesPatience() && config.patience() > 1 ? " (" + streak + " iterations in a row)" : ""));
                trips.add(trip);
                log.warn("{}{}", trip.message(), config.action() == HealthConfig.Action.STOP ? "; stopping the run" : "");
                if (config.action() == HealthConfig.Action.STOP && stoppedBy == null) {
                    stoppedBy = trip;
                }
                changed = true;
            }
        }
        if (changed || metrics.step() == 1) {
            write();
        }
    }

    @Override
    public boolean stopRequested() {
        return stoppedBy != null;
    }

    @Override
    public void onEnd(long step) {
        write();
    }

    /** The trip that stopped the run, if one did. */
    public Optional<Trip> stoppedBy() {
        return Optional.ofNullable(stoppedBy);
    }

    public List<Trip> trips() {
        return List.copyOf(trips);
    }

    /** {@code ok}, {@code warned} or {@code stopped}. */
    public String status() {
        return stoppedBy != null ? "stopped" : trips.isEmpty() ? "ok" : "warned";
    }

    /** The summary health.json holds. */
    public ObjectNode summary() {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", status());
        root.put("action", config.action().name().toLowerCase(java.util.Locale.ROOT));
        root.put("patience", config.patience());
        root.put("lastIteration", lastStep);
        if (stoppedBy != null) {
            root.put("stoppedBy", stoppedBy.message());
        }
        ObjectNode all = root.putObject("signals");
        for (HealthSignal s : signals) {
            ObjectNode o = all.putObject(s.name());
            o.put("metric", s.metric());
            s.thresholds().forEach(o.putObject("thresholds")::put);
            if (lastReadings.containsKey(s.name())) {
                o.put("last", lastReadings.get(s.name()));
            }
            s.state().forEach(o.putObject("state")::put);
            o.put("tripped", trips.stream().anyMatch(t -> t.signal().equals(s.name())));
        }
        var list = root.putArray("trips");
        for (Trip t : trips) {
            list.addObject().put("step", t.step()).put("signal", t.signal()).put("metric", t.metric()).put("reading", t.reading());
        }
        return root;
    }

    private void write() {
        if (file == null) {
            return;
        }
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(summary()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
