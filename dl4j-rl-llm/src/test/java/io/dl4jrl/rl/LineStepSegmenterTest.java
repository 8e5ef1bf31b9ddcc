package io.dl4jrl.rl;

import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.text.Tokenizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LineStepSegmenterTest {
    final CharTokenizer chars = new CharTokenizer();

    int[] ends(LineStepSegmenter s, String response) {
        return s.stepEnds(chars.encode(response), chars);
    }

    @Test
    void oneStepPerLineWithTheAnswerLineJoinedToTheLastStep() {
        String r = "5+3=8\n8*2=16\n#### 16";
        // "5+3=8\n" ends at 6; "8*2=16\n#### 16" ends at 20
        assertArrayEquals(new int[]{6, 20}, ends(new LineStepSegmenter(0, "####"), r));
        // Without the answer rule the answer line is a step of its own.
        assertArrayEquals(new int[]{6, 13, 20}, ends(new LineStepSegmenter(0, null), r));
    }

    @Test
    void shortPiecesMergeIntoTheNextAndAShortLastPieceIntoThePrevious() {
        // "x\n" (2 chars) is merged into the next line; with minChars 8 "5+3=8\n" (6) merges too.
        assertArrayEquals(new int[]{8, 22}, ends(new LineStepSegmenter(3, "####"), "x\n5+3=8\n8*2=16\n#### 16"));
        assertArrayEquals(new int[]{22}, ends(new LineStepSegmenter(20, "####"), "x\n5+3=8\n8*2=16\n#### 16"));
        assertArrayEquals(new int[]{10}, ends(new LineStepSegmenter(5, null), "12345678\nz"), "a short last line joins the previous");
    }

    @Test
    void noNewlineIsOneStepAndAnEmptyResponseHasNone() {
        assertArrayEquals(new int[]{7}, ends(new LineStepSegmenter(), "#### 42"));
        assertArrayEquals(new int[0], new LineStepSegmenter().stepEnds(new int[0], chars));
        // The EOS token belongs to the last step.
        int[] withEos = java.util.Arrays.copyOf(chars.encode("5+3=8\n8*2=16\n#### 16"), 21);
        withEos[20] = chars.eosId();
        assertArrayEquals(new int[]{6, 21}, new LineStepSegmenter(0, "####").stepEnds(withEos, chars));
    }

    @Test
    void aBoundaryInsideATokenMovesToTheEndOfThatToken() {
        // Multi-character tokens: "a=1" "\nb=" "2\n" "#### 2"; the first newline is inside token 1.
        String[] pieces = {"<pad>", "<eos>", "a=1", "\nb=", "2\n", "#### 2"};
        Tokenizer t = new Tokenizer() {
            public int vocabSize() { return pieces.length; }
            public int padId() { return 0; }
            public int eosId() { return 1; }
            public int[] encode(String text) { throw new UnsupportedOperationException(); }
            public String decode(int[] ids, int from, int to) {
                StringBuilder b = new StringBuilder();
                for (int i = from; i < to; i++) {
                    if (ids[i] > 1) b.append(pieces[ids[i]]);
                }
                return b.toString();
            }
            public int[] charOffsets(int[] ids) {
                int[] o = new int[ids.length + 1];
                for (int i = 0; i < ids.length; i++) {
                    o[i + 1] = o[i] + (ids[i] > 1 ? pieces[ids[i]].length() : 0);
                }
                return o;
            }
        };
        // text "a=1\nb=2\n#### 2": lines end at chars 4 and 8; char 4 is inside token 1 ("\nb=" spans 3..6),
        // so the first step ends after token 1; the answer line joins the second step.
        assertArrayEquals(new int[]{2, 4}, new LineStepSegmenter(0, "####").stepEnds(new int[]{2, 3, 4, 5}, t));
    }
}
