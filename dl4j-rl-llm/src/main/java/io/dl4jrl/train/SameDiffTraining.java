package io.dl4jrl.train;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.learning.GradientUpdater;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Two things SameDiff 1.0.0-M2.1 does not offer publicly, kept in one place:
 * <ul>
 *   <li>creating the optimizer state before the first {@code fit}, so a resumed run can load its saved
 *       Adam moments ({@code initializeTraining} is protected; we call it reflectively);</li>
 *   <li>building the gradient function without the line per op that M2.1 prints to standard output.</li>
 * </ul>
 */
public final class SameDiffTraining {
    private SameDiffTraining() {
    }

    /** The per-variable optimizer state, created if training has not started yet. */
    public static Map<String, GradientUpdater> updaters(SameDiff sd) {
        if (!sd.isInitializedTraining()) {
            try {
                Method init = SameDiff.class.getDeclaredMethod("initializeTraining");
                init.setAccessible(true);
                init.invoke(sd);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot initialise SameDiff training state", e);
            }
        }
        return sd.getUpdaterMap();
    }

    /** Builds the gradient function once, with standard output silenced while it does. */
    public static synchronized void createGradientFunction(SameDiff sd) {
        if (sd.getFunction("grad") != null) {
            return;
        }
        PrintStream original = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(original);
        }
    }
}
