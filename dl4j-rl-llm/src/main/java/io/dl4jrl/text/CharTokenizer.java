package io.dl4jrl.text;

import java.util.Arrays;

/**
 * One token per character over printable ASCII plus newline, with pad, end-of-sequence and unknown
 * tokens. Made for the built-in tasks and for tests: every token is one character, so text offsets and
 * token indices coincide.
 *
 * <p>Characters outside the alphabet encode to {@link #unkId()} (decoded as {@code '?'}) in the lenient
 * mode, or are rejected with their position in the strict mode.
 */
public final class CharTokenizer implements Tokenizer {
    public static final int PAD = 0;
    public static final int EOS = 1;
    public static final int UNK = 2;
    private static final int FIRST_CHAR_ID = 3;
    /** Newline followed by printable ASCII 32..126. */
    private static final String ALPHABET = buildAlphabet();

    private final boolean strict;
    private final int[] idOfChar = new int[128];

    public CharTokenizer() {
        this(false);
    }

    /** @param strict reject characters outside the alphabet instead of mapping them to the unknown token */
    public CharTokenizer(boolean strict) {
        this.strict = strict;
        Arrays.fill(idOfChar, UNK);
        for (int i = 0; i < ALPHABET.length(); i++) {
            idOfChar[ALPHABET.charAt(i)] = FIRST_CHAR_ID + i;
        }
    }

    private static String buildAlphabet() {
        StringBuilder sb = new StringBuilder("\n");
        for (char c = 32; c <= 126; c++) {
            sb.append(c);
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return FIRST_CHAR_ID + ALPHABET.length();
    }

    @Override
    public int padId() {
        return PAD;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    public int unkId() {
        return UNK;
    }

    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            char c = text.charAt(i);
            int id = c < 128 ? idOfChar[c] : UNK;
            if (id == UNK && strict) {
                throw new IllegalArgumentException("character U+" + String.format("%04X", (int) c)
                        + " at index " + i + " is not in the character tokenizer's alphabet");
            }
            ids[i] = id;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids, int from, int to) {
        StringBuilder sb = new StringBuilder(Math.max(0, to - from));
        for (int i = from; i < to; i++) {
            int id = ids[i];
            if (id == PAD || id == EOS) {
                continue;
            }
            if (id == UNK) {
                sb.append('?');
            } else if (id >= FIRST_CHAR_ID && id < vocabSize()) {
                sb.append(ALPHABET.charAt(id - FIRST_CHAR_ID));
            } else {
                throw new IllegalArgumentException("token id " + id + " at index " + i + " is outside the vocabulary [0, " + vocabSize() + ")");
            }
        }
        return sb.toString();
    }

    @Override
    public int[] charOffsets(int[] ids) {
        int[] offsets = new int[ids.length + 1];
        int pos = 0;
        for (int i = 0; i < ids.length; i++) {
            offsets[i] = pos;
            if (ids[i] != PAD && ids[i] != EOS) {
                pos++;
            }
        }
        offsets[ids.length] = pos;
        return offsets;
    }
}
