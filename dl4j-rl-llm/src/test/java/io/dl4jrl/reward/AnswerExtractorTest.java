package io.dl4jrl.reward;

import io.dl4jrl.task.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class AnswerExtractorTest {

    /** response ('|' stands for a newline), expected answer or NONE. */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "3+4=7|#### 7; 7",
            "#### 42; 42",
            "####42; 42",
            "#### -5; -5",
            "#### \u22125; -5",
            "#### +5; 5",
            "#### 1,234; 1234",
            "#### 1,234,567.5; 1234567.5",
            "#### 7.0; 7",
            "#### 7.; 7",
            "#### 7 apples; 7",
            "#### $18; 18",
            "#### .5; 0.5",
            "#### 0; 0",
            "  #### 12  ; 12",
            "#### 3|more text|#### 9; 9",
            "2+2=4|#### 4|; 4",
            "#### 007; 7",
            "#### ; NONE",
            "#### abc; NONE",
            "#### 1.2.3; NONE",
            "#### 12,34; NONE",
            "the answer is 7; NONE",
            "; NONE",
            "# 7; NONE",
            "#### 5-3; 5",
    })
    void strictExtraction(String response, String expected) {
        Optional<BigDecimal> got = AnswerExtractor.STRICT.extract((response == null ? "" : response).replace('|', '\n'));
        if (expected.equals("NONE")) {
            assertTrue(got.isEmpty(), "expected no answer, got " + got);
        } else {
            assertTrue(got.isPresent(), "expected " + expected);
            assertEquals(0, got.get().compareTo(new BigDecimal(expected)), "got " + got.get());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "the answer is 7; 7",
            "3 + 4 = 7, so 7 apples.; 7",
            "costs $1,000 total; 1000",
            "no digits here; NONE",
            "#### 5|then 9; 5",
    })
    void lenientFallsBackToTheLastNumber(String response, String expected) {
        Optional<BigDecimal> got = AnswerExtractor.LENIENT.extract(response.replace('|', '\n'));
        if (expected.equals("NONE")) {
            assertTrue(got.isEmpty());
        } else {
            assertEquals(0, got.orElseThrow().compareTo(new BigDecimal(expected)));
        }
    }

    @Test
    void correctnessRewardComparesNumerically() {
        Problem p = new Problem("p", "q", "3+4=7\n#### 7", "7", 1);
        CorrectnessReward r = new CorrectnessReward();
        assertEquals(1.0, r.score(p, "3+4=7\n#### 7"));
        assertEquals(1.0, r.score(p, "#### 7.00"));
        assertEquals(0.0, r.score(p, "#### 8"));
        assertEquals(0.0, r.score(p, "7"));
        assertEquals(1.0, new CorrectnessReward(AnswerExtractor.LENIENT).score(p, "it is 7"));
        Problem big = new Problem("b", "q", "#### 1,200", "1200", 0);
        assertEquals(1.0, r.score(big, "#### 1,200"));
    }

    @Test
    void formatRewardWantsStepsThenAFinalAnswerLine() {
        Problem p = new Problem("p", "q", "s", "7", 1);
        FormatReward f = new FormatReward();
        assertEquals(1.0, f.score(p, "3+4=7\n#### 7"));
        assertEquals(1.0, f.score(p, "3+4=8\n#### 8"), "format ignores correctness");
        assertEquals(0.0, f.score(p, "#### 7"), "no reasoning line");
        assertEquals(0.0, f.score(p, "3+4=7\n#### 7 apples"));
        assertEquals(0.0, f.score(p, "3+4=7\n\n#### 7"), "blank step");
        assertEquals(0.0, f.score(p, "3+4=7"));
    }

    @Test
    void weightedRewardSumsTerms() {
        Problem p = new Problem("p", "q", "s", "7", 1);
        WeightedReward r = WeightedReward.correctnessWithFormat(0.1);
        assertEquals(1.1, r.score(p, "3+4=7\n#### 7"), 1e-12);
        assertEquals(0.1, r.score(p, "3+4=8\n#### 8"), 1e-12);
        assertEquals(1.0, r.score(p, "#### 7"), 1e-12);
        assertEquals("correctness+0.1*format", r.name());
    }
}
