package io.dl4jrl.memory;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/** Embeds questions and responses for the episodic memories; plug in a sentence encoder here. */
public interface ResponseEmbedder {

    /**
     * @param prompts   prompt token ids per row
     * @param responses response token ids per row
     * @return {@code [B, d]} question embeddings and {@code [B, d]} response embeddings
     */
    Embeddings embed(List<int[]> prompts, int[][] responses);

    record Embeddings(INDArray questions, INDArray responses) {
    }
}
