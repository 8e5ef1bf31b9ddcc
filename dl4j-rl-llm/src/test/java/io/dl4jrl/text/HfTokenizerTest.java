package io.dl4jrl.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokenizers written by the test in Hugging Face's tokenizer.json format, with hand-computed encodings. */
class HfTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void byteLevelBpeEncodesBytesMergesAndSpecialTokens() throws IOException {
        try (HfTokenizer t = HfTokenizer.load(TestTokenizers.byteLevel(dir.resolve("bytelevel")))) {
            assertEquals(260, t.vocabSize());
            assertEquals(259, t.eosId());
            assertEquals(259, t.padId()); // no pad_token: the end-of-sequence token
            assertArrayEquals(new int[]{256, 257, 'o'}, t.encode("hello"));
            assertArrayEquals(new int[]{256, 257, 'o', 258, 'o', 'r', 'l', 'd'}, t.encode("hello world"));
            assertArrayEquals(new int[]{0xC3, 0xA9}, t.encode("é"));                 // two UTF-8 bytes
            assertArrayEquals(new int[]{0xE4, 0xBD, 0xA0}, t.encode("你"));          // three, one of them unprintable
            assertArrayEquals(new int[]{'h', 'i', 259}, t.encode("hi<|endoftext|>")); // special token matched whole
            String text = "héllo wörld 你好, 3+4=7\n#### 7";
            assertEquals(text, t.decode(t.encode(text)));
            assertEquals("hi", t.decode(new int[]{'h', 'i', 259})); // special tokens dropped
            int[] offsets = t.charOffsets(t.encode("hé!"));
            assertArrayEquals(new int[]{0, 1, 2, 2, 3}, offsets);
        }
    }

    @Test
    void sentencePieceStyleBpeWithByteFallback() throws IOException {
        try (HfTokenizer t = HfTokenizer.load(TestTokenizers.sentencePiece(dir.resolve("sentencepiece")))) {
            assertEquals(266, t.vocabSize());
            assertEquals(2, t.eosId());
            assertArrayEquals(new int[]{264, 261, 265, 263}, t.encode("hello"));       // ▁h e ll o
            assertArrayEquals(new int[]{264, 3 + 0xC3, 3 + 0xA9}, t.encode("hé"));      // é by byte fallback
            assertArrayEquals(new int[]{264, 261, 264}, t.encode("he h"));              // ▁h e ▁h: the space became ▁ and merged
            assertEquals("hé llo", t.decode(t.encode("hé llo")));
            assertEquals("hello", t.decode(new int[]{1, 264, 261, 265, 263, 2}));      // <s>, </s> dropped
        }
    }

    @Test
    void badTokenizerDirectoriesSayWhy() throws IOException {
        Path d = TestTokenizers.byteLevel(dir.resolve("bytelevel"));
        Files.writeString(d.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|end|>\"}");
        IOException e = assertThrows(IOException.class, () -> HfTokenizer.load(d));
        assertTrue(e.getMessage().contains("eos_token '<|end|>' is not a single token"), e.getMessage());
        Files.delete(d.resolve("tokenizer_config.json"));
        e = assertThrows(IOException.class, () -> HfTokenizer.load(d));
        assertTrue(e.getMessage().contains("no end-of-sequence token"), e.getMessage());
        Files.writeString(d.resolve("generation_config.json"), "{\"eos_token_id\": [259, 3]}");
        try (HfTokenizer t = HfTokenizer.load(d)) {
            assertEquals(259, t.eosId());
        }
        Files.writeString(d.resolve("tokenizer.json"), "{\"model\": ");
        e = assertThrows(IOException.class, () -> HfTokenizer.load(d));
        assertTrue(e.getMessage().contains("tokenizer.json: not valid JSON"), e.getMessage());
        e = assertThrows(IOException.class, () -> HfTokenizer.load(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("no tokenizer.json"), e.getMessage());
    }
}
