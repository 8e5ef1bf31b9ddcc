package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;

import java.util.Objects;
import java.util.Optional;

/**
 * The contract a causal language model graph meets so that this library's heads, losses, samplers and
 * trainers attach to it. Any SameDiff graph qualifies, the built-in GPT or a user's own, if it has
 * <ul>
 *   <li>an integer placeholder of token ids, shape {@code [batch, time]};</li>
 *   <li>a floating-point variable of next-token logits, shape {@code [batch, time, vocab]}, where position
 *       {@code t} depends only on tokens {@code 0..t} (causal);</li>
 *   <li>optionally, a variable of last hidden states {@code [batch, time, width]} for value and reward heads;</li>
 *   <li>optionally, the LM head's weight {@code [vocab, width]} with {@code logits = hidden · headᵀ}. With it,
 *       {@link KeptLogits} projects only the positions a loss needs (TRL's {@code logits_to_keep}); without it, it
 *       picks those rows from the full logits.</li>
 * </ul>
 * {@link #of} checks what can be checked without running the graph and names what is missing.
 */
public record PolicyGraph(SameDiff sameDiff, String inputIds, String logits, Optional<String> hidden,
                          Optional<String> headWeight) {

    /** Placeholder name used by the built-in builders. */
    public static final String INPUT_IDS = "input_ids";
    /** Logits variable name used by the built-in builders. */
    public static final String LOGITS = "logits";
    /** Hidden-state variable name used by the built-in builders. */
    public static final String HIDDEN = "hidden";

    public PolicyGraph {
        Objects.requireNonNull(sameDiff, "sameDiff");
        Objects.requireNonNull(hidden, "hidden");
        Objects.requireNonNull(headWeight, "headWeight");
        SDVariable ids = sameDiff.getVariable(Objects.requireNonNull(inputIds, "inputIds"));
        if (ids == null) {
            throw new IllegalArgumentException("policy graph has no variable '" + inputIds + "' for the input ids");
        }
        if (ids.getVariableType() != VariableType.PLACEHOLDER) {
            throw new IllegalArgumentException("input ids '" + inputIds + "' must be a placeholder, is " + ids.getVariableType());
        }
        if (!ids.dataType().isIntType()) {
            throw new IllegalArgumentException("input ids '" + inputIds + "' must have an integer type, has " + ids.dataType());
        }
        long[] idsShape = ids.placeholderShape();
        if (idsShape != null && idsShape.length != 2) {
            throw new IllegalArgumentException("input ids '" + inputIds + "' must have rank 2 [batch, time], has rank " + idsShape.length);
        }
        SDVariable out = sameDiff.getVariable(Objects.requireNonNull(logits, "logits"));
        if (out == null) {
            throw new IllegalArgumentException("policy graph has no variable '" + logits + "' for the logits");
        }
        if (out.dataType() != null && !out.dataType().isFPType()) {
            throw new IllegalArgumentException("logits '" + logits + "' must be floating point, is " + out.dataType());
        }
        hidden.ifPresent(h -> {
            if (sameDiff.getVariable(h) == null) {
                throw new IllegalArgumentException("policy graph has no variable '" + h + "' for the hidden states");
            }
        });
        headWeight.ifPresent(w -> {
            if (hidden.isEmpty()) {
                throw new IllegalArgumentException("head weight '" + w + "' needs the hidden states it multiplies; name them too");
            }
            SDVariable weight = sameDiff.getVariable(w);
            if (weight == null) {
                throw new IllegalArgumentException("policy graph has no variable '" + w + "' for the LM head weight");
            }
            if (weight.getArr() == null || weight.getArr().rank() != 2) {
                throw new IllegalArgumentException("LM head weight '" + w + "' must be a [vocab, width] array");
            }
        });
    }

    /** Names the LM head's weight {@code [vocab, width]} (logits = hidden · headᵀ, no bias). */
    public PolicyGraph withHeadWeight(String headWeight) {
        return new PolicyGraph(sameDiff, inputIds, logits, hidden, Optional.of(headWeight));
    }

    /** Wraps a user's graph without hidden states (no value or reward heads can attach). */
    public static PolicyGraph of(SameDiff sameDiff, String inputIds, String logits) {
        return new PolicyGraph(sameDiff, inputIds, logits, Optional.empty(), Optional.empty());
    }

    /** Wraps a user's graph with hidden states. */
    public static PolicyGraph of(SameDiff sameDiff, String inputIds, String logits, String hidden) {
        return new PolicyGraph(sameDiff, inputIds, logits, Optional.of(hidden), Optional.empty());
    }

    public SDVariable inputIdsVariable() {
        return sameDiff.getVariable(inputIds);
    }

    public SDVariable logitsVariable() {
        return sameDiff.getVariable(logits);
    }

    /** The hidden states, or a clear error when the graph does not expose them. */
    public SDVariable hiddenVariable() {
        return sameDiff.getVariable(hidden.orElseThrow(() -> new IllegalStateException(
                "this policy graph exposes no hidden states; pass their variable name to PolicyGraph.of to attach heads")));
    }
}
