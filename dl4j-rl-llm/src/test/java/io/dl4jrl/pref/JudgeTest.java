package io.dl4jrl.pref;

import io.dl4jrl.policy.TransformerPolicy;
import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.reward.RewardFunction;
import io.dl4jrl.sampling.SamplingConfig;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static io.dl4jrl.pref.ToyPreferences.TOK;
import static org.junit.jupiter.api.Assertions.*;

/** The prompted judge's verdict probability, the judge as a reward, verdict data and labelling a policy's samples. */
class JudgeTest {
    final TransformerPolicy model = new TransformerPolicy(ToyPreferences.model().toBuilder().contextLength(64).build());

    @Test
    void verdictScoreIsTheNormalisedProbabilityOfYes() {
        PromptedJudge judge = new PromptedJudge(model, TOK);
        List<String> prompts = List.of("Q: 1+1\nA: ", "Q: 2\nA: ");
        List<String> responses = List.of("1+1=2\n#### 2", "x");
        double[] scores = judge.judge(prompts, responses);
        for (int i = 0; i < 2; i++) {
            int[] ids = TOK.encode(judge.judgePrompt(prompts.get(i), responses.get(i)));
            INDArray z = model.graph().sameDiff().output(Map.of(model.graph().inputIds(),
                    Nd4j.createFromArray(new int[][]{ids})), model.graph().logits()).get(model.graph().logits());
            double zy = z.getDouble(0, ids.length - 1, TOK.encode("Y")[0]);
            double zn = z.getDouble(0, ids.length - 1, TOK.encode("N")[0]);
            double py = Math.exp(zy);
            double pn = Math.exp(zn);
            assertEquals(py / (py + pn), scores[i], 1e-5, "row " + i);
        }
        assertEquals("Q: 1+1\nA: 1+1=2\n#### 2\nVerdict: ", judge.judgePrompt(prompts.get(0), responses.get(0)));
        assertThrows(IllegalArgumentException.class, () -> new PromptedJudge(model, TOK, "{prompt} only", "Y", "N"));
        assertThrows(IllegalArgumentException.class, () -> new PromptedJudge(model, TOK, PromptedJudge.DEFAULT_TEMPLATE, "Yes", "N"));
    }

    @Test
    void judgeRewardScoresFormattedPromptsAndVerdictDataLabelsReferenceAndCorruption() {
        Judge lengthJudge = Judge.of("length", (prompt, response) -> prompt.startsWith("Q: ") ? response.length() / 10.0 : -1.0);
        Problem p = new Problem("p", "7-3?", "7-3=4\n#### 4", "4", 1);
        assertArrayEquals(new double[]{0.3, 0.5}, new JudgeReward(lengthJudge, PromptFormat.DEFAULT).scoreAll(List.of(p, p),
                List.of("abc", "abcde")), 1e-12);

        PromptedJudge judge = new PromptedJudge(model, TOK);
        List<Problem> tasks = new io.dl4jrl.task.ArithmeticTask(List.of(1), 100, 0, 2).train();
        List<Problem> verdicts = VerdictData.problems(tasks, PromptFormat.DEFAULT, judge, "Y", "N", 5);
        assertEquals(tasks.size(), verdicts.size());
        CorrectnessReward checker = new CorrectnessReward();
        int yes = 0;
        for (int i = 0; i < tasks.size(); i++) {
            Problem v = verdicts.get(i);
            String prompt = VerdictData.FORMAT.prompt(v);
            String response = prompt.substring(PromptFormat.DEFAULT.prompt(tasks.get(i)).length(), prompt.length() - "\nVerdict: ".length());
            assertEquals(v.answer().equals("Y") ? 1.0 : 0.0, checker.score(tasks.get(i), response), v.toString());
            yes += v.answer().equals("Y") ? 1 : 0;
        }
        assertTrue(yes > 30 && yes < 70, "balanced verdicts: " + yes);
        RewardFunction match = VerdictData.verdictMatch();
        assertEquals(1.0, match.score(verdicts.get(0), " " + verdicts.get(0).answer() + " trailing"));
        assertEquals(0.0, match.score(verdicts.get(0), verdicts.get(0).answer().equals("Y") ? "N" : "Y"));
    }

    @Test
    void labelerPairsTheBestAndWorstSampleOfEachPrompt() {
        RewardFunction length = new RewardFunction() {
            @Override
            public String name() {
                return "length";
            }

            @Override
            public double score(Problem problem, String response) {
                return response.length();
            }
        };
        List<Problem> problems = List.of(new Problem("a", "1", "#### 1", "1", 1), new Problem("b", "2", "#### 2", "2", 1));
        SamplingConfig sampling = SamplingConfig.builder().maxNewTokens(12).temperature(1.0).build();
        JudgeLabeler.Labeled labeled = new JudgeLabeler(length, TOK, PromptFormat.DEFAULT, 6, 1.0, sampling).label(model, problems, 3);
        assertFalse(labeled.pairs().isEmpty());
        for (PreferencePair pair : labeled.pairs()) {
            assertTrue(pair.chosen().length() >= pair.rejected().length() + 1, pair.toString());
        }
        assertEquals(2.0, labeled.metrics().get("prompts"));
        assertEquals(labeled.pairs().size(), labeled.metrics().get("pairs").intValue());
        assertThrows(IllegalArgumentException.class, () -> new JudgeLabeler(length, TOK, PromptFormat.DEFAULT, 1, 1.0, sampling));
    }
}
