package io.dl4jrl.rl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * State a plug-in keeps across iterations that an exact resume needs (RRL's replay buffer, Memory-R+'s memories).
 * The trainer stores each part under its key in the checkpoint's metadata and hands it back on resume.
 */
public interface CheckpointPart {
    /** The metadata key; unique within a run. */
    String key();

    JsonNode save();

    /** Restores what {@link #save} wrote; {@code where} names the checkpoint in errors. */
    void restore(JsonNode saved, String where);
}
