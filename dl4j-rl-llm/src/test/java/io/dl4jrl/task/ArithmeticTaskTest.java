package io.dl4jrl.task;

import io.dl4jrl.reward.CorrectnessReward;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ArithmeticTaskTest {

    @Test
    void splitsAreDisjointDeterministicAndSized() {
        ArithmeticTask a = new ArithmeticTask(List.of(1, 2), 300, 100, 5);
        ArithmeticTask b = new ArithmeticTask(List.of(1, 2), 300, 100, 5);
        assertEquals(300, a.train().size());
        assertEquals(100, a.test().size());
        assertEquals(a.train(), b.train());
        assertEquals(a.test(), b.test());
        Set<String> trainQuestions = new HashSet<>();
        a.train().forEach(p -> trainQuestions.add(p.question()));
        assertEquals(300, trainQuestions.size(), "no duplicates");
        a.test().forEach(p -> assertFalse(trainQuestions.contains(p.question()), "overlap: " + p.question()));
        // A different seed draws other problems but the split rule is the same: still no overlap.
        ArithmeticTask c = new ArithmeticTask(List.of(1, 2), 300, 100, 6);
        c.test().forEach(p -> assertFalse(trainQuestions.contains(p.question())));
        a.test().forEach(p -> assertTrue(ArithmeticTask.inTestSplit(p.question())));
    }

    @Test
    void solutionsAreCorrectOneStepPerLine() {
        SplittableRandom random = new SplittableRandom(1);
        CorrectnessReward reward = new CorrectnessReward();
        for (int level = 1; level <= 5; level++) {
            Difficulty d = Difficulty.level(level);
            for (int i = 0; i < 200; i++) {
                Problem p = ArithmeticProblemGenerator.generate(d, level, random);
                String[] lines = p.solution().split("\n");
                assertEquals(d.steps() + 1, lines.length, p.solution());
                long value = -1;
                for (int s = 0; s < d.steps(); s++) {
                    String[] eq = lines[s].split("=");
                    long result = Long.parseLong(eq[1]);
                    String expr = eq[0];
                    long lhs;
                    char op = expr.contains("+") ? '+' : expr.contains("*") ? '*' : '-';
                    String[] operands = expr.split(op == '+' ? "\\+" : op == '*' ? "\\*" : "-");
                    lhs = switch (op) {
                        case '+' -> Long.parseLong(operands[0]) + Long.parseLong(operands[1]);
                        case '*' -> Long.parseLong(operands[0]) * Long.parseLong(operands[1]);
                        default -> Long.parseLong(operands[0]) - Long.parseLong(operands[1]);
                    };
                    assertEquals(lhs, result, lines[s]);
                    assertTrue(result >= 0);
                    if (s > 0) {
                        assertEquals(value, Long.parseLong(operands[0]), "steps chain");
                    }
                    value = result;
                }
                assertEquals("#### " + value, lines[d.steps()]);
                assertEquals(1.0, reward.score(p, p.solution()));
            }
        }
    }

    @Test
    void levelsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Difficulty.level(0));
        assertThrows(IllegalArgumentException.class, () -> new Difficulty(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArithmeticTask(List.of(), 1, 1, 1));
    }
}
