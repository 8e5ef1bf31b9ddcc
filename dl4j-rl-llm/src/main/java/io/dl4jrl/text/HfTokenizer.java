package io.dl4jrl.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dl4jrl.hf.HfConfigJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (byte-level BPE as GPT-2, Llama 3 and Qwen2 use; SentencePiece-style BPE
 * with byte fallback as Llama 2 and TinyLlama use; anything else the Rust {@code tokenizers} library reads) behind
 * the library's {@link Tokenizer}. Encoding and decoding are DJL's binding of that library, whose jar carries the
 * native code for Linux and macOS: it reads local files only and downloads nothing.
 *
 * <p>The end-of-sequence and padding tokens come from {@code tokenizer_config.json} ({@code eos_token},
 * {@code pad_token}, as strings or {@code {"content": ...}} objects), else from {@code generation_config.json}'s
 * {@code eos_token_id}; padding falls back to the end-of-sequence token, as most causal LMs do. The vocabulary
 * size counts the model's vocabulary and the added tokens.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final int eosId;
    private final int padId;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize, int eosId, int padId) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        this.eosId = eosId;
        this.padId = padId;
    }

    /** Loads {@code dir/tokenizer.json} with the special tokens of the directory's configs. */
    public static HfTokenizer load(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.exists(file)) {
            throw new java.io.FileNotFoundException(dir + ": no tokenizer.json");
        }
        JsonNode spec = HfConfigJson.read(file);
        int vocab = vocabularySize(spec, file);
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false", "padding", "false", "truncation", "false"));
        } catch (RuntimeException e) {
            throw new IOException(file + ": the tokenizers library cannot read it: " + e.getMessage(), e);
        }
        try {
            Path configFile = dir.resolve("tokenizer_config.json");
            JsonNode config = Files.exists(configFile) ? HfConfigJson.read(configFile) : JSON.createObjectNode();
            Integer eos = tokenId(t, HfConfigJson.specialToken(config, "eos_token", configFile), configFile, "eos_token");
            if (eos == null) {
                Path gen = dir.resolve("generation_config.json");
                JsonNode g = Files.exists(gen) ? HfConfigJson.read(gen).get("eos_token_id") : null;
                if (g != null && g.isArray() && !g.isEmpty()) {
                    g = g.get(0); // several stop ids (Llama 3): the first ends our responses
                }
                if (g != null && g.canConvertToInt()) {
                    eos = g.asInt();
                }
            }
            if (eos == null) {
                throw new IOException(dir + ": no end-of-sequence token (tokenizer_config.json eos_token or generation_config.json eos_token_id)");
            }
            Integer pad = tokenId(t, HfConfigJson.specialToken(config, "pad_token", configFile), configFile, "pad_token");
            return new HfTokenizer(t, vocab, eos, pad != null ? pad : eos);
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** One more than the largest id of the model's vocabulary and the added tokens. */
    private static int vocabularySize(JsonNode spec, Path file) throws IOException {
        int max = -1;
        JsonNode vocab = spec.path("model").path("vocab");
        if (vocab.isObject()) {
            Iterator<JsonNode> ids = vocab.elements();
            while (ids.hasNext()) max = Math.max(max, ids.next().asInt());
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...]
            max = vocab.size() - 1;
        }
        for (JsonNode added : spec.path("added_tokens")) {
            max = Math.max(max, added.path("id").asInt(-1));
        }
        if (max < 0) {
            throw new IOException(file + ": no vocabulary (model.vocab) and no added tokens");
        }
        return max + 1;
    }

    /** The id of a special token's text, which must be a single token; {@code null} for no token. */
    private static Integer tokenId(HuggingFaceTokenizer t, String content, Path file, String field) throws IOException {
        if (content == null) {
            return null;
        }
        long[] ids = t.encode(content, false, false).getIds();
        if (ids.length != 1) {
            throw new IOException(file + ": " + field + " '" + content + "' is not a single token of tokenizer.json (it encodes to "
                    + ids.length + " tokens)");
        }
        return (int) ids[0];
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int padId() {
        return padId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = (int) ids[i];
        return out;
    }

    @Override
    public String decode(int[] ids, int from, int to) {
        long[] l = new long[to - from];
        for (int i = from; i < to; i++) l[i - from] = ids[i];
        return tokenizer.decode(l, true);
    }

    /**
     * Offsets by incremental decoding: token i starts where the decoding of tokens [0, i) ends. A byte-level token
     * that ends inside a multi-byte character decodes to a replacement character until the character completes, so
     * offsets are made non-decreasing and capped at the whole text's length.
     */
    @Override
    public int[] charOffsets(int[] ids) {
        int[] out = new int[ids.length + 1];
        int total = decode(ids).length();
        int previous = 0;
        for (int i = 0; i <= ids.length; i++) {
            int len = i == ids.length ? total : Math.min(total, decode(ids, 0, i).length());
            previous = Math.max(previous, len);
            out[i] = previous;
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
