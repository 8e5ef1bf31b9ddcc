package io.dl4jrl.pref;

import io.dl4jrl.graphs.TransformerConfig;
import io.dl4jrl.text.CharTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A toy preference set for tests: after a random word, the chosen response ends in "+", the rejected one in "-". */
final class ToyPreferences {
    static final CharTokenizer TOK = new CharTokenizer();

    private ToyPreferences() {
    }

    static List<PreferencePair> pairs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<PreferencePair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String word = word(r);
            out.add(new PreferencePair("toy-" + seed + "-" + i, "Q: " + word(r) + "\nA: ", word + " +", word + " -", null));
        }
        return out;
    }

    private static String word(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int len = r.nextInt(2, 6);
        for (int k = 0; k < len; k++) {
            sb.append((char) ('a' + r.nextInt(6)));
        }
        return sb.toString();
    }

    static List<TokenizedPair> tokenized(int n, long seed) {
        return TokenizedPair.fitting(pairs(n, seed), TOK, 32);
    }

    static TransformerConfig model() {
        return TransformerConfig.builder().vocabSize(TOK.vocabSize()).contextLength(32).dModel(16).nLayers(1).nHeads(2).mlpRatio(2)
                .initStd(0.2).seed(5).build();
    }
}
