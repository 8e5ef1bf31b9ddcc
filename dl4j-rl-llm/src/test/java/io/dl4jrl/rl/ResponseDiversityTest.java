package io.dl4jrl.rl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ResponseDiversityTest {

    @Test
    void distinctNCountsNGramsOverTheWholeBatch() {
        // bigrams: [1,2],[2,3] | [1,2],[2,4] -> 3 distinct of 4
        assertEquals(0.75, ResponseDiversity.distinctN(List.of(new int[]{1, 2, 3}, new int[]{1, 2, 4}), 2), 1e-12);
        assertEquals(1.0, ResponseDiversity.distinctN(List.of(new int[]{1, 2, 3}), 1), 1e-12);
        assertEquals(0.25, ResponseDiversity.distinctN(List.of(new int[]{7, 7, 7, 7}), 1), 1e-12);
        assertEquals(0.0, ResponseDiversity.distinctN(List.of(new int[]{1}), 2), 0.0, "no bigrams at all");
    }

    @Test
    void repetitionRateIsTheShareOfResponsesThatRepeatThemselves() {
        List<int[]> batch = List.of(new int[]{1, 2, 1, 2}, new int[]{1, 2, 3, 4}, new int[]{5}, new int[]{9, 9, 9});
        // [1,2] twice in the first; [9,9] twice in the last; the others never repeat a bigram.
        assertEquals(0.5, ResponseDiversity.repetitionRate(batch, 2), 1e-12);
        assertEquals(0.0, ResponseDiversity.repetitionRate(List.of(), 2), 0.0);
        assertThrows(IllegalArgumentException.class, () -> ResponseDiversity.distinctN(batch, 0));
    }
}
