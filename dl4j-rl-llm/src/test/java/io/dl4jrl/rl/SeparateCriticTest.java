package io.dl4jrl.rl;

import io.dl4jrl.checkpoint.CheckpointStore;
import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.graphs.ValueHead;
import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.train.StepMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** PPO with its critic as a model of its own: warm-up leaves the policy alone, the critic trains and resumes exactly. */
class SeparateCriticTest {
    final CharTokenizer tok = new CharTokenizer();
    final List<Problem> problems = RlTrainerTest.problems();

    TransformerPolicy policy() {
        return new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(32).dModel(16).nLayers(1)
                .nHeads(2).mlpRatio(2).initStd(0.2).seed(5).build());
    }

    RlConfig.Builder ppo() {
        return RlConfig.ppo().separateCritic(true).iterations(3).promptsPerIteration(4).groupSize(4).miniBatchSize(16).maxNewTokens(10)
                .evalEvery(0).evalProblems(8);
    }

    static Map<String, INDArray> weights(SameDiff sd) {
        Map<String, INDArray> w = new TreeMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                w.put(v.name(), v.getArr().dup());
            }
        }
        return w;
    }

    @Test
    void warmUpTrainsOnlyTheCriticAndLeavesThePolicyExactlyWhereItWas() {
        RlTrainer t = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), ppo().criticWarmupIterations(1).build());
        SameDiff policy = t.policy().graph().sameDiff();
        SameDiff critic = t.criticModel().graph().sameDiff();
        assertFalse(policy.hasVariable(ValueHead.VALUES), "no value head on the policy's trunk");
        Map<String, INDArray> policyBefore = weights(policy);
        INDArray criticHead = critic.getArrForVarName(ValueHead.WEIGHT).dup();
        INDArray criticTrunk = critic.getArrForVarName(io.dl4jrl.graphs.GptNames.attnW(0)).dup();
        StepMetrics warm = t.iterate(problems);
        assertEquals(policyBefore, weights(policy), "every policy weight unchanged by the warm-up");
        assertEquals(0.0, warm.get("gradient_steps"));
        assertTrue(warm.get("value_loss") > 0);
        assertTrue(warm.get("critic_grad_norm") > 0);
        assertNotEquals(criticHead, critic.getArrForVarName(ValueHead.WEIGHT), "the value head learned");
        assertNotEquals(criticTrunk, critic.getArrForVarName(io.dl4jrl.graphs.GptNames.attnW(0)), "and the critic's own trunk");
        StepMetrics after = t.iterate(problems);
        assertEquals(2.0, after.get("gradient_steps"), "2 epochs of one mini-batch");
        assertNotEquals(policyBefore, weights(policy), "the policy trains after the warm-up");
        // The shared-trunk head, by contrast, moves the policy during its warm-up.
        RlTrainer shared = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(),
                ppo().separateCritic(false).criticWarmupIterations(1).build());
        Map<String, INDArray> sharedBefore = weights(shared.policy().graph().sameDiff());
        shared.iterate(problems);
        assertNotEquals(sharedBefore.get(io.dl4jrl.graphs.GptNames.attnW(0)),
                shared.policy().graph().sameDiff().getArrForVarName(io.dl4jrl.graphs.GptNames.attnW(0)));
    }

    @Test
    void aResumedRunContinuesPolicyAndCriticExactly(@TempDir Path dir) throws IOException {
        RlConfig config = ppo().criticLearningRate(1e-3).build();
        RlTrainer straight = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        straight.iterate(problems);
        straight.iterate(problems);
        RlTrainer first = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        first.iterate(problems);
        Path file = dir.resolve("ppo.ckpt");
        CheckpointStore.save(file, first.checkpoint());
        var loaded = CheckpointStore.load(file);
        RlTrainer resumed = new RlTrainer(RlTrainer.startOf(loaded), tok, PromptFormat.DEFAULT, new CorrectnessReward(), config);
        resumed.resume(loaded);
        resumed.iterate(problems);
        for (boolean ofCritic : new boolean[]{false, true}) {
            Map<String, INDArray> expected = weights((ofCritic ? straight.criticModel() : straight.policy()).graph().sameDiff());
            Map<String, INDArray> actual = weights((ofCritic ? resumed.criticModel() : resumed.policy()).graph().sameDiff());
            assertEquals(expected.keySet(), actual.keySet());
            expected.forEach((name, w) -> assertTrue(w.equalsWithEps(actual.get(name), 1e-6), (ofCritic ? "critic " : "policy ") + name));
        }
        // A policy loaded for evaluation skips the critic's weights.
        assertNotNull(CheckpointStore.loadModel(loaded));
    }

    @Test
    void aSmallerCriticCanBeGivenAndSettingsAreChecked() {
        TransformerPolicy small = new TransformerPolicy(TransformerConfig.builder().vocabSize(tok.vocabSize()).contextLength(32).dModel(8)
                .nLayers(1).nHeads(1).mlpRatio(2).seed(9).build());
        RlTrainer t = new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(), ppo().build(), small);
        assertEquals(8, t.criticModel().hiddenWidth());
        assertTrue(Double.isFinite(t.iterate(problems).get("value_loss")));
        assertThrows(IllegalArgumentException.class, () -> new RlTrainer(policy(), tok, PromptFormat.DEFAULT, new CorrectnessReward(),
                ppo().separateCritic(false).build(), small));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RlConfig.grpo().separateCritic(true).build());
        assertTrue(e.getMessage().contains("separateCritic"), e.getMessage());
    }
}
