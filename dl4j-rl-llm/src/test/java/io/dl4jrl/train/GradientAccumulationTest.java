package io.dl4jrl.train;

import io.dl4jrl.graphs.GptGraphBuilder;
import io.dl4jrl.graphs.KeptLogits;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.TokenLogProbs;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.graphs.rl.LossAggregation;
import io.dl4jrl.graphs.rl.RlInputs;
import io.dl4jrl.graphs.rl.RlObjective;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Micro-batch gradient accumulation equals one pass over the whole mini-batch, for every loss aggregation. */
class GradientAccumulationTest {
    private static final int ROWS = 6;
    private static final int TIME = 7;
    private static final int VOCAB = 11;
    /** Response lengths differ per row, so token and sequence shares differ. */
    private static final int[] START = {2, 3, 1, 4, 2, 5};
    private static final int[] LENGTH = {5, 2, 6, 3, 1, 2};

    @Test
    void accumulatedMicroBatchesGiveTheWholeBatchsGradientAndLossForEveryAggregation() {
        for (LossAggregation aggregation : LossAggregation.values()) {
            Map<String, INDArray> feed = feed();
            Step whole = step(aggregation);
            Map<String, INDArray> before = whole.weights();
            GradientStep.Result one = whole.step.apply(feed, 1, List.of());
            Map<String, INDArray> gradOne = whole.delta(before);

            Step split = step(aggregation);
            List<Map<String, INDArray>> parts = new ArrayList<>();
            int[][] slices = {{0, 1}, {2, 3, 4}, {5}};
            double[] shares = new double[slices.length];
            long batchTokens = 0;
            for (int l : LENGTH) {
                batchTokens += l;
            }
            for (int k = 0; k < slices.length; k++) {
                long tokens = 0;
                for (int r : slices[k]) {
                    tokens += LENGTH[r];
                }
                shares[k] = aggregation.share(tokens, slices[k].length, batchTokens, ROWS);
                parts.add(rows(feed, slices[k]));
            }
            GradientStep.Result acc = split.step.apply(parts, shares, 1, List.of());
            Map<String, INDArray> gradAcc = split.delta(before);

            assertEquals(one.values().get(RlObjective.RL_LOSS), acc.values().get(RlObjective.RL_LOSS), 1e-12, aggregation + " loss");
            assertEquals(one.gradientNorm(), acc.gradientNorm(), 1e-9 * one.gradientNorm(), aggregation + " norm");
            assertTrue(one.gradientNorm() > 1e-3, "a gradient to compare");
            for (String name : gradOne.keySet()) {
                double diff = gradOne.get(name).sub(gradAcc.get(name)).amaxNumber().doubleValue();
                assertTrue(diff <= 1e-6 * Math.max(1e-3, gradOne.get(name).amaxNumber().doubleValue()),
                        aggregation + " " + name + " differs by " + diff);
            }
        }
    }

    private record Step(SameDiff sd, GradientStep step) {
        Map<String, INDArray> weights() {
            Map<String, INDArray> w = new LinkedHashMap<>();
            sd.variableMap().forEach((k, v) -> {
                if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                    w.put(k, v.getArr().dup());
                }
            });
            return w;
        }

        /** With SGD at learning rate 1 and no clipping the change of a weight is minus its gradient. */
        Map<String, INDArray> delta(Map<String, INDArray> before) {
            Map<String, INDArray> d = new LinkedHashMap<>();
            before.forEach((k, v) -> d.put(k, v.sub(sd.getArrForVarName(k))));
            return d;
        }
    }

    private static Step step(LossAggregation aggregation) {
        TransformerConfig config = TransformerConfig.builder().vocabSize(VOCAB).contextLength(16).dModel(8).nLayers(2).nHeads(2)
                .mlpRatio(2).initStd(0.3).seed(7).build();
        PolicyGraph policy = new GptGraphBuilder(config, DataType.DOUBLE).build();
        RlObjective.Attached attached = RlObjective.builder().aggregation(aggregation).constantLength(8).klCoefficient(0.1)
                .entropyCoefficient(0.01).build().attach(policy, VOCAB, 8);
        SameDiff sd = policy.sameDiff();
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Sgd(1.0)).dataSetFeatureMapping(policy.inputIds())
                .markLabelsUnused().build());
        return new Step(sd, new GradientStep(sd, attached.loss(), attached.diagnostics(), 0));
    }

    private static Map<String, INDArray> feed() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] ids = new int[ROWS][TIME];
        int[][] targets = new int[ROWS][TIME];
        double[][] mask = new double[ROWS][TIME];
        double[][] old = new double[ROWS][TIME];
        double[][] ref = new double[ROWS][TIME];
        double[][] adv = new double[ROWS][TIME];
        for (int i = 0; i < ROWS; i++) {
            double a = r.nextGaussian();
            for (int t = 0; t < TIME; t++) {
                ids[i][t] = r.nextInt(VOCAB);
                targets[i][t] = r.nextInt(VOCAB);
                boolean response = t >= START[i] && t < START[i] + LENGTH[i];
                mask[i][t] = response ? 1 : 0;
                old[i][t] = response ? -2.4 + 0.3 * r.nextGaussian() : 0;
                ref[i][t] = response ? -2.4 + 0.3 * r.nextGaussian() : 0;
                adv[i][t] = response ? a : 0;
            }
        }
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(PolicyGraph.INPUT_IDS, Nd4j.createFromArray(ids));
        feed.put(TokenLogProbs.TARGET_IDS, Nd4j.createFromArray(targets));
        feed.put(RlInputs.RESPONSE_MASK, Nd4j.createFromArray(mask));
        feed.put(RlInputs.OLD_LOGPROBS, Nd4j.createFromArray(old));
        feed.put(RlInputs.REF_LOGPROBS, Nd4j.createFromArray(ref));
        feed.put(RlInputs.ADVANTAGES, Nd4j.createFromArray(adv));
        feed.putAll(KeptLogits.feed(feed.get(RlInputs.RESPONSE_MASK)));
        return feed;
    }

    private static Map<String, INDArray> rows(Map<String, INDArray> feed, int[] rows) {
        Map<String, INDArray> part = new HashMap<>();
        feed.forEach((k, v) -> {
            if (v.rank() == 2) {
                part.put(k, v.get(NDArrayIndex.indices(toLong(rows)), NDArrayIndex.all()).dup());
            }
        });
        part.putAll(KeptLogits.feed(part.get(RlInputs.RESPONSE_MASK))); // positions are per micro-batch
        return part;
    }

    private static long[] toLong(int[] rows) {
        long[] l = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            l[i] = rows[i];
        }
        return l;
    }
}
