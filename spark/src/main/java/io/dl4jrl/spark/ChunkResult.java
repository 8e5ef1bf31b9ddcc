package io.dl4jrl.spark;

import java.io.Serializable;

/**
 * What an executor returns for one chunk: the sampled token ids, the sampler's log-probs, whether each response
 * ended by itself, and the policy version that sampled them.
 */
record ChunkResult(int chunk, long version, int[][] responses, float[][] logProbs, boolean[] finished, String executor)
        implements Serializable {
}
