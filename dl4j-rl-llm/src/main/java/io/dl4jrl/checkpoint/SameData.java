package io.dl4jrl.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A trainer's side of the data check on resume: {@link #resumedFrom} remembers the checkpoint's fingerprint,
 * {@link #training} compares the data a {@code train} call is given with it (once: a trainer that finishes a resumed run
 * may then deliberately train on new data) and remembers it, and {@link #save} writes it into the next checkpoint.
 */
public final class SameData {
    /** The checkpoint metadata key. */
    public static final String KEY = "data";

    private DataFingerprint resumed;
    private String resumedWhere;
    private DataFingerprint current;

    /** Called by {@code resume}: the fingerprint the checkpoint holds (none in checkpoints written before this check). */
    public void resumedFrom(Checkpoint c) {
        resumed = c.metadata() == null ? null : DataFingerprint.fromJson(c.metadata().get(KEY));
        resumedWhere = "checkpoint '" + c.kind() + "' at step " + c.step();
        current = resumed;
    }

    /** Called at the start of {@code train}: refuses other data than the resumed run's. */
    public void training(DataFingerprint now) {
        DataFingerprint saved = resumed;
        resumed = null;
        DataFingerprint.requireSame(saved, now, resumedWhere);
        current = now;
    }

    /** Called by {@code checkpoint}: records the data the run is training on, if known. */
    public void save(ObjectNode metadata) {
        if (current != null) {
            metadata.set(KEY, current.toJson());
        }
    }
}
