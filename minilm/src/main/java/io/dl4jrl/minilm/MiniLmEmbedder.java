package io.dl4jrl.minilm;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.dl4jrl.memory.ResponseEmbedder;
import io.dl4jrl.text.Tokenizer;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory-R+'s encoder as the paper uses it (docs/algorithms.md, "Episodic-memory intrinsic rewards"): questions and
 * reasoning decoded to text and embedded with the sentence encoder all-MiniLM-L6-v2 (384 dimensions), instead of
 * the policy's pooled hidden states. The model runs in process on ONNX Runtime, from the copy inside langchain4j's
 * jar: nothing is downloaded. An empty response embeds as zeros, which match nothing by cosine, as with the default
 * embedder. Question embeddings are cached by text, since each question returns once per response of its group.
 */
public final class MiniLmEmbedder implements ResponseEmbedder {
    public static final int DIMENSION = 384;
    private static final int CACHED_QUESTIONS = 10_000;

    private final Tokenizer tokenizer;
    private final EmbeddingModel model;
    private final Map<String, float[]> questions = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CACHED_QUESTIONS;
        }
    };

    /** @param tokenizer the policy's tokenizer, which turns the rows' token ids back into text */
    public MiniLmEmbedder(Tokenizer tokenizer) {
        this(tokenizer, new AllMiniLmL6V2EmbeddingModel());
    }

    MiniLmEmbedder(Tokenizer tokenizer, EmbeddingModel model) {
        this.tokenizer = tokenizer;
        this.model = model;
    }

    @Override
    public synchronized Embeddings embed(List<int[]> prompts, int[][] responses) {
        int n = responses.length;
        List<String> newQuestions = new ArrayList<>();
        String[] questionText = new String[n];
        for (int i = 0; i < n; i++) {
            questionText[i] = tokenizer.decode(prompts.get(i)).strip();
            if (!questions.containsKey(questionText[i]) && !newQuestions.contains(questionText[i])) {
                newQuestions.add(questionText[i]);
            }
        }
        float[][] fresh = embedTexts(newQuestions);
        for (int i = 0; i < fresh.length; i++) {
            questions.put(newQuestions.get(i), fresh[i]);
        }
        List<String> responseText = new ArrayList<>(n);
        for (int[] r : responses) {
            responseText.add(tokenizer.decode(r).strip());
        }
        float[][] q = new float[n][];
        for (int i = 0; i < n; i++) {
            q[i] = questions.get(questionText[i]);
        }
        return new Embeddings(Nd4j.create(q), Nd4j.create(embedTexts(responseText)));
    }

    /** Unit-length 384-dimensional embeddings of {@code texts}; a blank text gives zeros. */
    public float[][] embedTexts(List<String> texts) {
        float[][] out = new float[texts.size()][];
        List<TextSegment> segments = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) {
                out[i] = new float[DIMENSION];
            } else {
                segments.add(TextSegment.from(texts.get(i)));
                at.add(i);
            }
        }
        if (!segments.isEmpty()) {
            var embedded = model.embedAll(segments).content();
            for (int k = 0; k < embedded.size(); k++) {
                out[at.get(k)] = unit(embedded.get(k).vector());
            }
        }
        return out;
    }

    private static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float inv = s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = v[i] * inv;
        }
        return u;
    }
}
