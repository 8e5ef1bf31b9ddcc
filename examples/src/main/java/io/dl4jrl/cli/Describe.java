package io.dl4jrl.cli;

import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.policy.TransformerPolicy;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;

/** One-line descriptions of a policy for the commands' reports. */
final class Describe {
    private Describe() {
    }

    /** Trainable parameters of the policy's graph (with whatever heads are attached to it). */
    static long parameterCount(CausalLm policy) {
        long n = 0;
        for (SDVariable v : policy.graph().sameDiff().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                n += v.getArr().length();
            }
        }
        return n;
    }

    /** "d_model 96, 4 layers" for the built-in transformer, else the model's type. */
    static String shape(CausalLm policy) {
        if (policy instanceof TransformerPolicy t) {
            TransformerConfig c = t.config();
            return "d_model " + c.dModel() + ", " + c.nLayers() + " layers";
        }
        return "model type '" + policy.spec().type() + "'";
    }
}
