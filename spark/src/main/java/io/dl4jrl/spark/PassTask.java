package io.dl4jrl.spark;

import java.io.Serializable;
import java.util.Map;

/** One micro-batch of an optimizer step: its index in the step and its feed (placeholder arrays as bytes). */
record PassTask(int part, Map<String, byte[]> feed) implements Serializable {
}
