package io.dl4jrl.task;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class Gsm8kJsonlTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void loadsRowsAndStripsCalculatorAnnotations() throws IOException {
        Path f = write("train.jsonl", """
                {"question": "Natalia sold 48 clips in April and half as many in May. How many in total?", "answer": "In May she sold 48/2 = <<48/2=24>>24 clips.\\nIn total 48+24 = <<48+24=72>>72 clips.\\n#### 72"}

                {"question": "A big sum?", "answer": "It is large.\\n#### 1,250"}
                """);
        List<Problem> problems = Gsm8kJsonl.load(f);
        assertEquals(2, problems.size());
        assertEquals("72", problems.get(0).answer());
        assertFalse(problems.get(0).solution().contains("<<"));
        assertTrue(problems.get(0).solution().endsWith("#### 72"));
        assertEquals("1250", problems.get(1).answer());
        assertEquals("train-1", problems.get(1).id());
    }

    private void assertRejected(String line, String expectedMessagePart) throws IOException {
        Path f = write("bad.jsonl", "{\"question\": \"ok\", \"answer\": \"#### 1\"}\n" + line + "\n");
        IOException e = assertThrows(IOException.class, () -> Gsm8kJsonl.load(f));
        assertTrue(e.getMessage().contains("bad.jsonl:2:"), e.getMessage());
        assertTrue(e.getMessage().contains(expectedMessagePart), e.getMessage());
    }

    @Test
    void malformedRowsNameFileLineAndProblem() throws IOException {
        assertRejected("{not json", "not valid JSON");
        assertRejected("[1, 2]", "expected a JSON object");
        assertRejected("{\"answer\": \"#### 1\"}", "missing field 'question'");
        assertRejected("{\"question\": \"q\"}", "missing field 'answer'");
        assertRejected("{\"question\": 5, \"answer\": \"#### 1\"}", "must be a string");
        assertRejected("{\"question\": \"q\", \"answer\": \"no marker\"}", "no final line");
        assertRejected("{\"question\": \"q\", \"answer\": \"#### many\"}", "not a number");
        assertRejected("{\"question\": \" \", \"answer\": \"#### 1\"}", "is empty");
    }

    @Test
    void loadsTheShippedGsm8kTestSplit() throws IOException {
        // The copy shipped in the repository's data/ folder (tests run in the module directory).
        Path f = Path.of("..", "data", "gsm8k", "test.jsonl");
        List<Problem> problems = Gsm8kJsonl.load(f);
        assertEquals(1319, problems.size());
        assertTrue(problems.stream().allMatch(p -> new io.dl4jrl.reward.CorrectnessReward().score(p, p.solution()) == 1.0),
                "every reference solution scores 1 under the strict extractor");
    }
}
