package io.dl4jrl.spark;

import java.io.Serializable;
import java.util.Map;

/** One micro-batch's scalar outputs and gradients (as bytes), computed at {@code version}. */
record PassResult(int part, long version, Map<String, Double> outputs, Map<String, byte[]> gradients) implements Serializable {
}
