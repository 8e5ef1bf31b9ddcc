package io.dl4jrl.spark;

import io.dl4jrl.text.CharTokenizer;
import io.dl4jrl.text.HfTokenizer;
import io.dl4jrl.text.Tokenizer;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an executor gets the run's tokenizer: the built-in character tokenizer, or a Hugging Face tokenizer's files
 * shipped as bytes (an executor need not see the driver's model directory).
 */
public final class TokenizerSource implements Serializable {
    private static final String[] FILES = {"tokenizer.json", "tokenizer_config.json", "generation_config.json"};
    private final Map<String, byte[]> files;
    private final String key;

    private TokenizerSource(Map<String, byte[]> files) {
        this.files = files;
        int h = 1;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            h = 31 * (31 * h + f.getKey().hashCode()) + java.util.Arrays.hashCode(f.getValue());
        }
        this.key = files.isEmpty() ? "built-in" : "hf-" + Integer.toHexString(h);
    }

    /** Equal for equal files: what an executor caches its opened tokenizer under. */
    String key() {
        return key;
    }

    /** The built-in {@link CharTokenizer}. */
    public static TokenizerSource builtIn() {
        return new TokenizerSource(Map.of());
    }

    /** The tokenizer files of a Hugging Face model directory, as {@link HfTokenizer#load} reads them. */
    public static TokenizerSource huggingFace(Path dir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : FILES) {
            if (Files.exists(dir.resolve(f))) {
                files.put(f, Files.readAllBytes(dir.resolve(f)));
            }
        }
        if (!files.containsKey("tokenizer.json")) {
            throw new java.io.FileNotFoundException(dir + ": no tokenizer.json");
        }
        return new TokenizerSource(files);
    }

    /** The tokenizer, built where this runs. */
    Tokenizer open() {
        if (files.isEmpty()) {
            return new CharTokenizer();
        }
        try {
            Path dir = Files.createTempDirectory("executor-tokenizer");
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Files.write(dir.resolve(f.getKey()), f.getValue());
            }
            return HfTokenizer.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the shipped tokenizer: " + e.getMessage(), e);
        }
    }
}
