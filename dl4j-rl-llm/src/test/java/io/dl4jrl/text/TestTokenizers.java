package io.dl4jrl.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small tokenizers in Hugging Face's tokenizer.json format, written for tests (also used by the integration tests). */
public final class TestTokenizers {
    static final ObjectMapper JSON = new ObjectMapper();

    private TestTokenizers() {
    }

    /** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to 256, 257, ... in order. */
    public static char byteChar(int b) {
        if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)) return (char) b;
        int n = 0;
        for (int x = 0; x < b; x++) {
            if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255))) n++;
        }
        return (char) (256 + n);
    }

    /** Byte-level BPE: id = byte value for the 256 byte tokens, then "he" 256, "ll" 257, "Ġw" 258, <|endoftext|> 259. */
    public static Path byteLevel(Path d) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        added.addObject().put("id", 259).put("content", "<|endoftext|>").put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "").put("end_of_word_suffix", "").put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(byteChar(b)), b);
        vocab.put("he", 256).put("ll", 257).put(byteChar(' ') + "w", 258);
        model.putArray("merges").add("h e").add("l l").add(byteChar(' ') + " w");
        Files.createDirectories(d);
        Files.writeString(d.resolve("tokenizer.json"), JSON.writeValueAsString(root));
        Files.writeString(d.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|endoftext|>\", \"bos_token\": \"<|endoftext|>\"}");
        return d;
    }

    /** SentencePiece-style BPE (Llama 2): ▁ for spaces, byte fallback <0xNN> = 3 + NN, merges "▁ h" and "l l". */
    public static Path sentencePiece(Path d) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<unk>", "<s>", "</s>"};
        for (int i = 0; i < 3; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode norm = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode ns = norm.putArray("normalizers");
        ns.addObject().put("type", "Prepend").put("prepend", "▁");
        ObjectNode rep = ns.addObject().put("type", "Replace");
        rep.putObject("pattern").put("String", " ");
        rep.put("content", "▁");
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");
        ObjectNode dec = root.putObject("decoder").put("type", "Sequence");
        ArrayNode ds = dec.putArray("decoders");
        ObjectNode r2 = ds.addObject().put("type", "Replace");
        r2.putObject("pattern").put("String", "▁");
        r2.put("content", " ");
        ds.addObject().put("type", "ByteFallback");
        ds.addObject().put("type", "Fuse");
        ds.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true).put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < 3; i++) vocab.put(specials[i], i);
        for (int b = 0; b < 256; b++) vocab.put(String.format("<0x%02X>", b), 3 + b);
        vocab.put("▁", 259).put("h", 260).put("e", 261).put("l", 262).put("o", 263).put("▁h", 264).put("ll", 265);
        model.putArray("merges").add("▁ h").add("l l");
        Files.createDirectories(d);
        Files.writeString(d.resolve("tokenizer.json"), JSON.writeValueAsString(root));
        Files.writeString(d.resolve("tokenizer_config.json"), "{\"bos_token\": {\"content\": \"<s>\"}, \"eos_token\": {\"content\": \"</s>\"}, \"pad_token\": null}");
        return d;
    }
}
