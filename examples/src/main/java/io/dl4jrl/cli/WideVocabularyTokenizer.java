package io.dl4jrl.cli;

import io.dl4jrl.text.Tokenizer;

import java.util.Arrays;

/**
 * A tokenizer with the vocabulary size of a real model (GPT-2's 50257, Qwen2's 151936) for benchmarking random
 * models of that shape on the built-in task: text is encoded by the character tokenizer inside, and every id past
 * its vocabulary decodes to one placeholder character, so whatever a random model samples can be decoded and scored.
 */
final class WideVocabularyTokenizer implements Tokenizer {
    private static final char PLACEHOLDER = '~';
    private final Tokenizer base;
    private final int vocabSize;

    WideVocabularyTokenizer(Tokenizer base, int vocabSize) {
        if (vocabSize < base.vocabSize()) {
            throw new IllegalArgumentException("--vocab must be at least the character vocabulary (" + base.vocabSize() + "), got " + vocabSize);
        }
        this.base = base;
        this.vocabSize = vocabSize;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int padId() {
        return base.padId();
    }

    @Override
    public int eosId() {
        return base.eosId();
    }

    @Override
    public int[] encode(String text) {
        return base.encode(text);
    }

    @Override
    public String decode(int[] ids, int from, int to) {
        StringBuilder sb = new StringBuilder();
        int run = from;
        for (int i = from; i < to; i++) {
            if (ids[i] >= base.vocabSize()) {
                sb.append(base.decode(ids, run, i)).append(PLACEHOLDER);
                run = i + 1;
            }
        }
        return sb.append(base.decode(ids, run, to)).toString();
    }

    @Override
    public int[] charOffsets(int[] ids) {
        int[] offsets = new int[ids.length + 1];
        for (int i = 0; i < ids.length; i++) {
            offsets[i + 1] = offsets[i] + decode(Arrays.copyOfRange(ids, i, i + 1)).length();
        }
        return offsets;
    }
}
