package io.dl4jrl.graphs;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GradientPass} (release after last use, fresh session per pass, shared array pool, leftovers pooled) gives
 * exactly what SameDiff's own {@code calculateGradientsAndOutputs} gives (release off), pass after pass, while the
 * sequence length changes (so cached arrays of one shape are reused by later passes of that shape and others are new).
 */
class GradientPassTest {
    @Test
    void gptAndLlamaGradientsEqualSameDiffsOwnPassOverChangingShapes() {
        for (TransformerConfig config : List.of(GptGraphBuilderTest.tiny(), LlamaGraphBuilderTest.tiny())) {
            PolicyGraph policy = config.architecture() == Architecture.LLAMA ? new LlamaGraphBuilder(config, DataType.DOUBLE).build()
                    : new GptGraphBuilder(config, DataType.DOUBLE).build();
            SameDiff sd = policy.sameDiff();
            SftLoss.attach(sd, TokenLogProbs.attach(policy, config.vocabSize()));
            List<String> params = new ArrayList<>();
            for (SDVariable v : sd.variables()) {
                if (v.getVariableType() == VariableType.VARIABLE) {
                    params.add(v.name());
                }
            }
            SplittableRandom random = new SplittableRandom(5);
            for (int length : new int[]{5, 7, 5, 3, 7}) {
                Map<String, INDArray> feed = feed(random, 3, length, config.vocabSize());
                OutAndGrad reference = sd.calculateGradientsAndOutputs(feed, List.of(SftLoss.SFT_LOSS), params);
                OutAndGrad ours = GradientPass.outputsAndGradients(sd, feed, List.of(SftLoss.SFT_LOSS), params);
                assertEquals(reference.getOutputs().get(SftLoss.SFT_LOSS).getDouble(0), ours.getOutputs().get(SftLoss.SFT_LOSS).getDouble(0), 1e-14);
                assertEquals(reference.getGradients().keySet(), ours.getGradients().keySet());
                for (String name : params) {
                    INDArray expected = reference.getGradients().get(name);
                    INDArray actual = ours.getGradients().get(name);
                    assertFalse(actual.wasClosed(), name);
                    double diff = expected.sub(actual).amaxNumber().doubleValue();
                    assertTrue(diff <= 1e-12 * Math.max(1, expected.amaxNumber().doubleValue()),
                            config.architecture() + " length " + length + " " + name + " differs by " + diff);
                }
                INDArray forward = GradientPass.outputs(sd, feed, List.of(SftLoss.SFT_LOSS)).get(SftLoss.SFT_LOSS);
                assertEquals(reference.getOutputs().get(SftLoss.SFT_LOSS).getDouble(0), forward.getDouble(0), 1e-14, "inference pass");
            }
            // a repeated pass of one shape makes new buffers only for what it returns: every other op output reuses a
            // buffer the last pass released (ArrayPool), leftovers included
            Map<String, INDArray> feed = feed(random, 3, 6, config.vocabSize());
            GradientPass.outputsAndGradients(sd, feed, List.of(SftLoss.SFT_LOSS), params);
            long misses = GradientPass.threadPool().misses();
            long missBytes = GradientPass.threadPool().missBytes();
            OutAndGrad again = GradientPass.outputsAndGradients(sd, feed, List.of(SftLoss.SFT_LOSS), params);
            long returned = 0;
            for (INDArray g : again.getGradients().values()) {
                returned += g.length() * 8;
            }
            long newBuffers = GradientPass.threadPool().misses() - misses;
            long newBytes = GradientPass.threadPool().missBytes() - missBytes;
            // the returned gradients and loss, and at most one small array more (the GPT graph: 704 bytes)
            assertTrue(newBuffers <= again.getGradients().size() + 2, config.architecture() + ": " + newBuffers + " new buffers");
            assertTrue(newBytes <= returned + 8 + 1024, config.architecture() + ": " + newBytes + " new bytes, " + returned + " returned");
            // the weights and the fed arrays are untouched by the closing of leftovers
            for (String name : params) {
                assertFalse(sd.getArrForVarName(name).wasClosed(), name);
            }
        }
    }

    private static Map<String, INDArray> feed(SplittableRandom random, int rows, int length, int vocab) {
        int[][] ids = new int[rows][length];
        int[][] targets = new int[rows][length];
        double[][] mask = new double[rows][length];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < length; t++) {
                ids[r][t] = random.nextInt(vocab);
                targets[r][t] = random.nextInt(vocab);
                mask[r][t] = t >= r ? 1 : 0;
            }
        }
        return Map.of(PolicyGraph.INPUT_IDS, GptGraphBuilderTest.ids(ids), TokenLogProbs.TARGET_IDS, GptGraphBuilderTest.ids(targets),
                SftLoss.LOSS_MASK, Nd4j.createFromArray(mask));
    }
}
