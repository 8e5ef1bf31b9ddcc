package io.dl4jrl.pref;

import io.dl4jrl.reward.CorrectnessReward;
import io.dl4jrl.task.ArithmeticTask;
import io.dl4jrl.task.JsonlFormatException;
import io.dl4jrl.task.Problem;
import io.dl4jrl.task.PromptFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The preference JSONL loader and writer, and the built-in synthetic preference set. */
class PreferenceDataTest {
    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("prefs.jsonl");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void loadsPairsWithDefaultIdsAndOptionalAnswer() throws IOException {
        Path f = file("{\"prompt\":\"Q: 1+1\\nA: \",\"chosen\":\"1+1=2\\n#### 2\",\"rejected\":\"1+1=3\\n#### 3\",\"answer\":\"2\"}",
                "",
                "{\"id\":\"x\",\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}");
        List<PreferencePair> pairs = PreferenceJsonl.load(f);
        assertEquals(2, pairs.size());
        assertEquals(new PreferencePair("prefs-0", "Q: 1+1\nA: ", "1+1=2\n#### 2", "1+1=3\n#### 3", "2"), pairs.get(0));
        assertEquals(new PreferencePair("x", "p", "a", "b", null), pairs.get(1));
    }

    @Test
    void writeThenLoadGivesTheSamePairs() throws IOException {
        List<PreferencePair> pairs = List.of(new PreferencePair("a", "Q: \"quoted\"\nA: ", "yes\n#### 1", "no", "1"),
                new PreferencePair("b", "p", "c", "r", null));
        Path f = dir.resolve("sub/out.jsonl");
        PreferenceJsonl.write(f, pairs);
        assertEquals(pairs, PreferenceJsonl.load(f));
    }

    @Test
    void malformedRowsNameFileLineAndField() throws IOException {
        assertError("line 2 not JSON", "3: not valid JSON", "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}", "", "{oops");
        assertError("missing", "1: missing field 'rejected'", "{\"prompt\":\"p\",\"chosen\":\"a\"}");
        assertError("number", "1: field 'chosen' must be a string, is NUMBER", "{\"prompt\":\"p\",\"chosen\":3,\"rejected\":\"b\"}");
        assertError("empty", "1: field 'prompt' is empty", "{\"prompt\":\" \",\"chosen\":\"a\",\"rejected\":\"b\"}");
        assertError("same", "1: fields 'chosen' and 'rejected' are the same text", "{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"a\"}");
        assertError("array", "1: expected a JSON object", "[1,2]");
        assertError("duplicate", "2: duplicate id 'k'", "{\"id\":\"k\",\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}",
                "{\"id\":\"k\",\"prompt\":\"q\",\"chosen\":\"a\",\"rejected\":\"b\"}");
    }

    private void assertError(String what, String expected, String... lines) throws IOException {
        Path f = file(lines);
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> PreferenceJsonl.load(f), what);
        assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), what + ": " + e.getMessage());
    }

    @Test
    void syntheticPairsPreferTheReferenceToAWrongOrPaddedSolution() {
        List<Problem> problems = new ArrayList<>(new ArithmeticTask(List.of(1, 2, 3), 300, 0, 3).train());
        List<PreferencePair> pairs = SyntheticPreferences.generate(problems, PromptFormat.DEFAULT, 0.25, 9);
        assertEquals(pairs, SyntheticPreferences.generate(problems, PromptFormat.DEFAULT, 0.25, 9), "deterministic in the seed");
        assertEquals(problems.size(), pairs.size());
        CorrectnessReward checker = new CorrectnessReward();
        int padded = 0;
        for (int i = 0; i < pairs.size(); i++) {
            PreferencePair pair = pairs.get(i);
            Problem p = problems.get(i);
            assertEquals(PromptFormat.DEFAULT.prompt(p), pair.prompt());
            assertEquals(p.solution(), pair.chosen());
            assertEquals(p.answer(), pair.answer());
            assertEquals(1.0, checker.score(p, pair.chosen()));
            if (pair.id().endsWith("-padded")) {
                padded++;
                assertEquals(1.0, checker.score(p, pair.rejected()), "padding keeps the answer");
                assertEquals(pair.chosen().split("\n").length + 1, pair.rejected().split("\n").length);
            } else {
                assertTrue(pair.id().endsWith("-wrong_answer"), pair.id());
                assertEquals(0.0, checker.score(p, pair.rejected()), pair.rejected());
                assertEquals(pair.chosen().split("\n").length, pair.rejected().split("\n").length);
            }
        }
        assertTrue(padded > 40 && padded < 110, "about a quarter padded: " + padded);
    }

    @Test
    void aWrongAnswerSlipIsSelfConsistentHalfOfTheTime() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        int consistent = 0;
        for (int i = 0; i < 200; i++) {
            String w = SyntheticPreferences.wrongAnswer("7-3=4\n#### 4", "4", r);
            String[] lines = w.split("\n");
            String result = lines[0].substring(lines[0].indexOf('=') + 1);
            String answer = lines[1].substring(5);
            assertNotEquals("4", answer);
            assertTrue(Math.abs(Integer.parseInt(answer) - 4) <= 3, w);
            consistent += result.equals(answer) ? 1 : 0;
        }
        assertTrue(consistent > 70 && consistent < 130, "a slip in the step about half of the time: " + consistent);
    }
}
