package io.dl4jrl.hyperparam;

import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.rl.RlConfigJson;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultReference;
import org.deeplearning4j.arbiter.optimize.api.saving.ResultSaver;

import java.io.IOException;
import java.util.List;

/**
 * Arbiter {@link ResultSaver} for RL candidates: writes the candidate's {@code config.json} (a file
 * {@code train --config} accepts) into its folder and, when asked, its trained policy as {@code final.ckpt}.
 * Results stay in memory as well; the reference returns them.
 */
public final class SweepResultSaver implements ResultSaver {
    private final boolean keepCheckpoints;

    public SweepResultSaver(boolean keepCheckpoints) {
        this.keepCheckpoints = keepCheckpoints;
    }

    @Override
    public ResultReference saveModel(OptimizationResult result, Object modelResult) throws IOException {
        RlTrainingResult r = (RlTrainingResult) result.getModelSpecificResults();
        if (r.folder() != null) {
            RlConfigJson.write(r.folder().resolve("config.json"), r.config());
            if (keepCheckpoints && modelResult instanceof Checkpoint c) {
                CheckpointStore.save(r.folder().resolve("final.ckpt"), c);
            }
        }
        return new Saved(result);
    }

    @Override
    public List<Class<?>> getSupportedCandidateTypes() {
        return List.of(RlCandidate.class);
    }

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return List.of(Checkpoint.class);
    }

    /** The in-memory result; its training outcome is the "model". */
    record Saved(OptimizationResult result) implements ResultReference {
        @Override
        public OptimizationResult getResult() {
            return result;
        }

        @Override
        public Object getResultModel() {
            return result.getModelSpecificResults();
        }
    }
}
