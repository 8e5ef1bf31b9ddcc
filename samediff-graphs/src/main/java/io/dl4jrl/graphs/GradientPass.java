package io.dl4jrl.graphs;

import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Forward and backward passes of a SameDiff graph whose intermediate arrays are freed as soon as no later op needs
 * them, and of which nothing but the requested outputs and gradients outlives the call. A drop-in for
 * {@link SameDiff#calculateGradientsAndOutputs} and {@link SameDiff#output(Map, String...)}.
 *
 * <p>Why: in 1.0.0-M2.1 {@code calculateGradientsAndOutputs} calls {@code setEnableCache(false)} on the gradient
 * function before every pass, and its {@code InferenceSession} releases an op's inputs after their last use only when
 * that flag is on. So every array of the forward and backward pass stays alive to the end: 4.4 GB in 2,241 buffers
 * for one step of a 17M-parameter Llama at 32 x 93 tokens (walked from the session's {@code nodeValueOutputs}). The
 * session never clears that map either, so the previous pass's arrays stay reachable until the next pass overwrites
 * them one by one, and those it does not overwrite (another sequence length) until the garbage collector runs: RSS
 * grew from 5.3 to 13 GB in four steps whatever the collector did. Here the gradient function runs with release on,
 * through a fresh session per pass that shares the thread's {@link ArrayPool} (released buffers are reused by the next
 * op output of the same element count instead of being zero-filled and faulted in again), and after the pass every
 * array the session still holds that is not a requested result, a variable, a constant or a fed placeholder goes back
 * to that pool. {@code GradientPassTest} checks the gradients against {@code calculateGradientsAndOutputs} over passes
 * of changing shape.
 */
public final class GradientPass {
    private static final Method BATCH_OUTPUT_HELPER;

    static {
        try {
            BATCH_OUTPUT_HELPER = SameDiff.class.getDeclaredMethod("batchOutputHelper", Map.class, List.class, Operation.class, String[].class);
            BATCH_OUTPUT_HELPER.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError("SameDiff.batchOutputHelper not found: this class is written against ND4J 1.0.0-M2.1");
        }
    }

    /** System property: megabytes of released arrays kept for reuse, per thread (default {@value #DEFAULT_CACHE_MB}). */
    public static final String CACHE_PROPERTY = "dl4jrl.arrayCacheMb";
    public static final long DEFAULT_CACHE_MB = 1024;

    /**
     * One pool of released buffers per thread, shared by every graph the thread runs (policy, its gradient function,
     * reference, critic): M2.1 gives each session its own cache of a quarter of {@code Pointer.maxBytes}, so with an
     * 8 GB heap three graphs could keep 6 GB of idle arrays. The budget covers the transient arrays of one gpt2 256x6
     * training pass at 32 x 96 tokens (776 MB); with it that pass allocates 12 MB of new buffers (the returned gradients)
     * instead of about 750 MB, and its peak RSS fell from 1.6 to 1.3 GB (docs/performance.md, "Fresh buffers").
     */
    private static final ThreadLocal<SessionMemMgr> CACHE = ThreadLocal.withInitial(GradientPass::newCache);

    private GradientPass() {
    }

    /**
     * The values of {@code outputs} and the loss gradients of {@code gradientVariables} on {@code feed}: what
     * {@code sd.calculateGradientsAndOutputs(feed, outputs, gradientVariables)} returns (variables off the loss's path
     * are absent from the gradients). The caller owns the returned arrays.
     */
    public static OutAndGrad outputsAndGradients(SameDiff sd, Map<String, INDArray> feed, Collection<String> outputs,
                                                 Collection<String> gradientVariables) {
        if (sd.getFunction("grad") == null) {
            sd.createGradFunction();
        }
        SameDiff gradFn = sd.getFunction("grad");
        gradFn.setEnableCache(true); // the release-after-last-use switch; see the class comment
        gradFn.setListeners(sd.getListeners());
        List<String> names = new ArrayList<>(outputs);
        Map<String, String> gradientNames = new LinkedHashMap<>();
        for (String v : gradientVariables) {
            SDVariable g = sd.getVariable(v).getGradient();
            if (g != null) {
                gradientNames.put(v, g.name());
                names.add(g.name());
            }
        }
        Map<String, INDArray> results = run(gradFn, List.of(gradFn, sd), feed, Operation.TRAINING, names);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String o : outputs) {
            out.put(o, results.get(o));
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        gradientNames.forEach((v, g) -> grads.put(v, results.get(g)));
        return new OutAndGrad(out, grads);
    }

    /** Forward values of {@code outputs} on {@code feed}, as {@code sd.output(feed, outputs)}; no gradient state. */
    public static Map<String, INDArray> outputs(SameDiff sd, Map<String, INDArray> feed, Collection<String> outputs) {
        return run(sd, List.of(sd), feed, Operation.INFERENCE, new ArrayList<>(outputs));
    }

    private static Map<String, INDArray> run(SameDiff graph, List<SameDiff> owners, Map<String, INDArray> feed, Operation operation, List<String> names) {
        long thread = Thread.currentThread().getId();
        InferenceSession session = new InferenceSession(graph);
        session.setMmgr(CACHE.get());
        graph.getSessions().put(thread, session);
        ExecutionResult result;
        try {
            result = (ExecutionResult) BATCH_OUTPUT_HELPER.invoke(graph, feed, null, operation, names.toArray(new String[0]));
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("SameDiff pass failed", cause);
        } finally {
            graph.getSessions().remove(thread, session);
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        if (result.hasValues()) {
            for (Map.Entry<String, SDValue> e : result.getValueOutputs().entrySet()) {
                out.put(e.getKey(), e.getValue().getTensorValue());
            }
        } else if (result.hasSingle()) {
            out.putAll(ExecutionResult.unpack(result.getOutputs()));
        }
        closeLeftovers(owners, session, feed, out.values());
        return out;
    }

    /** This thread's pool (what {@code GradientPassTest} reads its reuse from). */
    static ArrayPool threadPool() {
        return (ArrayPool) CACHE.get();
    }

    private static SessionMemMgr newCache() {
        return new ArrayPool(Long.getLong(CACHE_PROPERTY, DEFAULT_CACHE_MB) << 20);
    }

    /** Releases what the finished session still holds, except results, variables, constants and the feed. */
    private static void closeLeftovers(List<SameDiff> owners, InferenceSession session, Map<String, INDArray> feed, Collection<INDArray> results) {
        Set<Long> keep = new HashSet<>();
        for (INDArray a : results) {
            addAddress(keep, a);
        }
        for (INDArray a : feed.values()) {
            addAddress(keep, a);
        }
        for (SameDiff g : owners) {
            for (SDVariable v : g.variables()) {
                if (v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT) {
                    addAddress(keep, v.getArr());
                }
            }
        }
        for (SDValue value : session.getNodeValueOutputs().values()) {
            if (value == null) {
                continue;
            }
            List<INDArray> arrays = value.getTensorValue() != null ? List.of(value.getTensorValue())
                    : value.getListValue() != null ? value.getListValue() : List.of();
            for (INDArray a : arrays) {
                if (a != null && !a.wasClosed() && a.closeable() && a.data() != null && !keep.contains(a.data().address())) {
                    keep.add(a.data().address()); // aliases of one buffer are released once
                    session.getMmgr().release(a); // to the pool for the next pass (it closes what it does not keep)
                }
            }
        }
        session.getNodeValueOutputs().clear();
    }

    private static void addAddress(Set<Long> keep, INDArray a) {
        if (a != null && !a.wasClosed() && a.data() != null) {
            keep.add(a.data().address());
        }
    }
}
