package io.dl4jrl.pref;

import io.dl4jrl.graphs.GradientPass;
import io.dl4jrl.checkpoint.Checkpoint;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.SequenceRewardHead;
import io.dl4jrl.graphs.ShapeBuckets;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.policy.CausalLms;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.train.OffHeapCollector;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Bradley-Terry reward model: a causal LM trunk (the built-in transformer or any {@link CausalLm} exposing hidden
 * states) with a {@link SequenceRewardHead} read at each sequence's last token, r(x, y) ∈ ℝ for the token sequence prompt + response + end-of-sequence. Usually
 * initialised from the SFT policy (the InstructGPT recipe), so that the trunk already reads the task.
 *
 * <p>Rewards are shift-invariant under the Bradley-Terry loss, so a trained model carries a normalisation
 * (mean, std) measured on held-out responses; {@link #normalized} maps raw rewards to roughly zero mean and unit
 * variance, which keeps the PPO/GRPO reward scale, the KL coefficient and the value loss in their usual ranges.
 */
public final class RewardModel {
    /** Checkpoint kind written by {@link RewardModelTrainer}. */
    public static final String KIND = "reward-model";
    static final String MEAN = "rewardMean";
    static final String STD = "rewardStd";
    private static final int CHUNK = 32;

    private final CausalLm trunk;
    private final PolicyGraph graph;
    private final int padId;
    private final OffHeapCollector collector = new OffHeapCollector();
    private double mean;
    private double std = 1;

    /** A reward model of the built-in transformer with freshly initialised weights. */
    public RewardModel(TransformerConfig config, int padId) {
        this(new TransformerPolicy(config), padId);
    }

    /** A reward model on {@code trunk} (its graph gets the reward head; train a copy if the trunk must stay as it is). */
    public RewardModel(CausalLm trunk, int padId) {
        this.trunk = trunk;
        this.graph = trunk.graph();
        this.padId = padId;
        SequenceRewardHead.attach(graph, trunk.hiddenWidth());
    }

    /**
     * A reward model whose trunk starts from a policy checkpoint (any kind; its value or reward heads are ignored)
     * and whose reward head is new.
     */
    public static RewardModel fromPolicy(Checkpoint policy, int padId) {
        RewardModel rm = new RewardModel(CausalLms.create(policy.model()), padId);
        SameDiff sd = rm.graph.sameDiff();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() != VariableType.VARIABLE || v.name().startsWith("reward_head.")) {
                continue;
            }
            INDArray w = policy.weights().get(v.name());
            if (w == null) {
                throw new IllegalArgumentException("policy checkpoint '" + policy.kind() + "' has no weight '" + v.name() + "'");
            }
            v.getArr().assign(w);
        }
        return rm;
    }

    /** A trained reward model from a {@value #KIND} checkpoint, with its normalisation. */
    public static RewardModel load(Checkpoint c, int padId) {
        if (!KIND.equals(c.kind())) {
            throw new IllegalArgumentException("expected a '" + KIND + "' checkpoint, got '" + c.kind() + "' (train one with the reward-model command)");
        }
        RewardModel rm = new RewardModel(CausalLms.create(c.model()), padId);
        io.dl4jrl.checkpoint.CheckpointStore.restoreWeights(rm.graph.sameDiff(), c);
        if (c.metadata().has(MEAN) && c.metadata().has(STD)) {
            rm.setNormalization(c.metadata().get(MEAN).asDouble(), c.metadata().get(STD).asDouble());
        }
        return rm;
    }

    /** The trunk the reward head sits on. */
    public CausalLm trunk() {
        return trunk;
    }

    public PolicyGraph graph() {
        return graph;
    }

    public int padId() {
        return padId;
    }

    /** Sets the affine normalisation (r − mean) / std applied by {@link #normalized}. */
    public void setNormalization(double mean, double std) {
        if (!Double.isFinite(mean) || !(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("reward normalisation needs a finite mean and a positive std, got " + mean + ", " + std);
        }
        this.mean = mean;
        this.std = std;
    }

    public double mean() {
        return mean;
    }

    public double std() {
        return std;
    }

    /** Raw rewards of token sequences (prompt + response + eos), one per sequence, in chunks of 32. */
    public double[] score(List<int[]> sequences) {
        double[] out = new double[sequences.size()];
        for (int from = 0; from < sequences.size(); from += CHUNK) {
            List<int[]> chunk = sequences.subList(from, Math.min(sequences.size(), from + CHUNK));
            INDArray r = GradientPass.outputs(graph.sameDiff(), feed(chunk), java.util.List.of(SequenceRewardHead.SEQUENCE_REWARD)).get(SequenceRewardHead.SEQUENCE_REWARD);
            for (int i = 0; i < chunk.size(); i++) {
                out[from + i] = r.getDouble(i);
            }
            collector.afterWork();
        }
        return out;
    }

    /** {@link #score} mapped through the normalisation. */
    public double[] normalized(List<int[]> sequences) {
        double[] r = score(sequences);
        for (int i = 0; i < r.length; i++) {
            r[i] = (r[i] - mean) / std;
        }
        return r;
    }

    /**
     * Held-out pairwise evaluation: the share of pairs with r(chosen) > r(rejected), the mean raw gap, and the mean
     * and std of all 2N raw rewards (the normalisation a trainer stores).
     */
    public PairwiseEvaluation evaluate(List<TokenizedPair> pairs) {
        List<int[]> seqs = new java.util.ArrayList<>(2 * pairs.size());
        pairs.forEach(p -> seqs.add(p.chosenSequence()));
        pairs.forEach(p -> seqs.add(p.rejectedSequence()));
        double[] r = score(seqs);
        int n = pairs.size();
        int right = 0;
        double gap = 0;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            right += r[i] > r[n + i] ? 1 : 0;
            gap += r[i] - r[n + i];
        }
        for (double v : r) {
            sum += v;
        }
        double m = r.length == 0 ? 0 : sum / r.length;
        for (double v : r) {
            sq += (v - m) * (v - m);
        }
        return new PairwiseEvaluation(n, n == 0 ? 0 : (double) right / n, n == 0 ? 0 : gap / n, m,
                r.length == 0 ? 1 : Math.sqrt(sq / r.length));
    }

    /** Pairwise accuracy of a reward model on held-out pairs, and the statistics of its raw rewards there. */
    public record PairwiseEvaluation(int pairs, double accuracy, double meanGap, double rewardMean, double rewardStd) {
    }

    /** Input ids right-padded to the longest sequence (rounded up to a shape bucket), and a mask with 1 at each sequence's last token. */
    Map<String, INDArray> feed(List<int[]> sequences) {
        int width = 1;
        for (int[] s : sequences) {
            if (s.length == 0) {
                throw new IllegalArgumentException("cannot score an empty sequence");
            }
            if (s.length > trunk.contextLength()) {
                throw new IllegalArgumentException("sequence of " + s.length + " tokens exceeds the reward model's context length "
                        + trunk.contextLength());
            }
            width = Math.max(width, s.length);
        }
        width = ShapeBuckets.width(width, trunk.contextLength()); // recurring shapes reuse buffers (ShapeBuckets)
        int[][] ids = new int[sequences.size()][width];
        float[][] last = new float[sequences.size()][width];
        for (int i = 0; i < sequences.size(); i++) {
            int[] s = sequences.get(i);
            Arrays.fill(ids[i], padId);
            System.arraycopy(s, 0, ids[i], 0, s.length);
            last[i][s.length - 1] = 1f;
        }
        return Map.of(graph.inputIds(), Nd4j.createFromArray(ids).castTo(DataType.INT32),
                SequenceRewardHead.LAST_TOKEN_MASK, Nd4j.createFromArray(last));
    }
}
