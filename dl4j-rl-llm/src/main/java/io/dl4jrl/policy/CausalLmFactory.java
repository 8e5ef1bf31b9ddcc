package io.dl4jrl.policy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Builds a freshly initialised model of one registered type from its {@link ModelSpec#settings()}. The trainers
 * call it to make frozen copies ({@link CausalLm#copy()}) and the CLI to rebuild a checkpoint's model before its
 * weights are loaded, so it must build the same variables, by name and shape, every time.
 */
@FunctionalInterface
public interface CausalLmFactory {
    CausalLm create(JsonNode settings);
}
