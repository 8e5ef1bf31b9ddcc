package io.dl4jrl.policy;

/**
 * A model type found on the class path: list the implementing class in
 * {@code META-INF/services/io.dl4jrl.policy.CausalLmType} and {@link CausalLms} registers it on first use, so that
 * the command line and any other program reload the type's checkpoints without code of their own.
 */
public interface CausalLmType extends CausalLmFactory {
    /** The name checkpoints record ({@link ModelSpec#type()}). */
    String type();
}
