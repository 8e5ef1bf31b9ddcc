package io.dl4jrl.minilm;

import io.dl4jrl.memory.ResponseEmbedder;
import io.dl4jrl.text.CharTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** all-MiniLM-L6-v2 on real sentences, and as the memory's embedder of token-id rows. */
class MiniLmEmbedderTest {
    static final CharTokenizer TOK = new CharTokenizer();
    static MiniLmEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = new MiniLmEmbedder(TOK);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void relatedSentencesAreCloserThanUnrelatedOnes() {
        float[][] e = embedder.embedTexts(List.of(
                "Kim has 9 cards. She gets 3 more. How many cards does she have now?",
                "Kim had nine cards and then got three more; how many cards now?",
                "The train to Paris leaves from platform four at noon.",
                "9 + 3 = 12, so the answer is 12.",
                "Adding 3 to 9 gives 12.",
                "Heavy rain is expected across the north tomorrow."));
        assertEquals(MiniLmEmbedder.DIMENSION, e[0].length);
        assertEquals(1.0, cosine(e[0], e[0]), 1e-5);
        assertTrue(cosine(e[0], e[1]) > cosine(e[0], e[2]) + 0.3, "paraphrased question " + cosine(e[0], e[1]) + " vs unrelated " + cosine(e[0], e[2]));
        assertTrue(cosine(e[3], e[4]) > cosine(e[3], e[5]) + 0.3, "same arithmetic " + cosine(e[3], e[4]) + " vs weather " + cosine(e[3], e[5]));
    }

    @Test
    void embedsTheMemorysRowsFromTokenIdsWithZerosForAnEmptyResponse() {
        List<int[]> prompts = List.of(TOK.encode("Q: Kim has 9 cards. She gets 3 more.\nA: "), TOK.encode("Q: Kim has 9 cards. She gets 3 more.\nA: "),
                TOK.encode("Q: Ivy has 8 eggs. She eats 2.\nA: "));
        int[][] responses = {TOK.encode("9+3=12\n#### 12"), new int[0], TOK.encode("8-2=6\n#### 6")};
        ResponseEmbedder.Embeddings e = embedder.embed(prompts, responses);
        assertArrayEquals(new long[]{3, MiniLmEmbedder.DIMENSION}, e.questions().shape());
        assertArrayEquals(new long[]{3, MiniLmEmbedder.DIMENSION}, e.responses().shape());
        assertEquals(e.questions().getRow(0), e.questions().getRow(1), "the same question, once embedded");
        assertEquals(0.0, e.responses().getRow(1).norm2Number().doubleValue(), 0.0, "an empty response matches nothing");
        assertEquals(1.0, e.responses().getRow(0).norm2Number().doubleValue(), 1e-5);
    }
}
