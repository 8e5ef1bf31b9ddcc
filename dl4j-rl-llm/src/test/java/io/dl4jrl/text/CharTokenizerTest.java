package io.dl4jrl.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

class CharTokenizerTest {
    private final CharTokenizer tok = new CharTokenizer();

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "Q: Ann has 3 pens.\nA: 3+4=7\n#### 7", " ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./",
            "line one\nline two\n\n", "0123456789"})
    void roundTripsPrintableAscii(String text) {
        int[] ids = tok.encode(text);
        assertEquals(text.length(), ids.length);
        assertEquals(text, tok.decode(ids));
    }

    @Test
    void specialTokensAreDistinctAndDroppedOnDecode() {
        assertNotEquals(tok.padId(), tok.eosId());
        int[] ids = {tok.encode("h")[0], tok.eosId(), tok.encode("i")[0], tok.padId()};
        assertEquals("hi", tok.decode(ids));
        for (int id : tok.encode("The quick brown fox.\n")) {
            assertTrue(id > CharTokenizer.UNK && id < tok.vocabSize());
        }
        assertEquals(3 + 1 + 95, tok.vocabSize(), "pad, eos, unk, newline, printable ASCII");
    }

    @Test
    void unknownCharactersBecomeUnkOrAreRejectedInStrictMode() {
        int[] ids = tok.encode("caf\u00e9 \u20ac5");
        assertEquals(CharTokenizer.UNK, ids[3]);
        assertEquals("caf? ?5", tok.decode(ids));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CharTokenizer(true).encode("ab\u00e9"));
        assertTrue(e.getMessage().contains("index 2"), e.getMessage());
    }

    @Test
    void charOffsetsSkipSpecialTokens() {
        int[] ids = {tok.encode("a")[0], tok.encode("b")[0], tok.eosId()};
        assertArrayEquals(new int[]{0, 1, 2, 2}, tok.charOffsets(ids));
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() {
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[]{tok.vocabSize()}));
    }
}
