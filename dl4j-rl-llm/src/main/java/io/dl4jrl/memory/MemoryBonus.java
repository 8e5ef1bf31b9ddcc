package io.dl4jrl.memory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory-R+ intrinsic rewards (Le et al., 2025, arXiv 2504.02273; formulas as in the authors' code, see
 * docs/algorithms.md), for a whole rollout batch at once:
 * <ul>
 *   <li>exploitation: the k nearest question keys in the success memory; the centroid of their reasoning
 *       embeddings; s = L2 distance of the response's embedding to it, min–max normalised over a running window;
 *       {@code r_exploit = 1 − s}; 0 while the success memory is empty;</li>
 *   <li>exploration: novelty {@code 1 − max cos} of the response to the reasoning embeddings stored under the k
 *       nearest question keys of the failure memory, min–max normalised over a running window; 0 until the
 *       failure memory holds {@code minFailureKeys} keys.</li>
 * </ul>
 * Both are weighted (with optional linear decay) and returned for adding to the outcome rewards; afterwards
 * every response joins the success or failure memory by its correctness.
 */
public final class MemoryBonus {
    private final MemoryConfig config;
    private EpisodicMemory success;
    private EpisodicMemory failure;
    private final RunningMinMax distances;
    private final RunningMinMax novelties;

    public MemoryBonus(MemoryConfig config) {
        this.config = config;
        this.success = new EpisodicMemory(config.perKeyCapacity(), config.maxKeys());
        this.failure = new EpisodicMemory(config.perKeyCapacity(), config.maxKeys());
        this.distances = new RunningMinMax(config.window());
        this.novelties = new RunningMinMax(config.window());
    }

    /**
     * @param exploit  weighted exploitation bonus per response
     * @param explore  weighted exploration bonus per response
     * @param metrics  means of both, memory sizes
     */
    public record Bonuses(double[] exploit, double[] explore, Map<String, Double> metrics) {
        public double total(int i) {
            return exploit[i] + explore[i];
        }
    }

    /** Both memories and the normalisation windows, for RL checkpoints. */
    public JsonNode toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.set("success", success.toJson());
        root.set("failure", failure.toJson());
        root.set("distanceWindow", json.valueToTree(distances.recent()));
        root.set("noveltyWindow", json.valueToTree(novelties.recent()));
        return root;
    }

    /** Restores what {@link #toJson} wrote; {@code source} names where it came from in errors. */
    public void restore(JsonNode node, String source) {
        if (node == null || !node.has("success") || !node.has("failure")) {
            throw new IllegalArgumentException(source + ": no episodic memories (expected 'success' and 'failure')");
        }
        ObjectMapper json = new ObjectMapper();
        try {
            double[] d = json.treeToValue(node.get("distanceWindow"), double[].class);
            double[] n = json.treeToValue(node.get("noveltyWindow"), double[].class);
            EpisodicMemory s = EpisodicMemory.fromJson(node.get("success"), source + " (success memory)");
            EpisodicMemory f = EpisodicMemory.fromJson(node.get("failure"), source + " (failure memory)");
            distances.restore(d == null ? new double[0] : d);
            novelties.restore(n == null ? new double[0] : n);
            success = s;
            failure = f;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": malformed normalisation window: " + e.getOriginalMessage(), e);
        }
    }

    public EpisodicMemory successMemory() {
        return success;
    }

    public EpisodicMemory failureMemory() {
        return failure;
    }

    /**
     * Bonuses for a batch, then the batch is remembered.
     *
     * @param ids        question id per response (one key per question)
     * @param questions  {@code [B, d]} question embeddings
     * @param responses  {@code [B, d]} response embeddings
     * @param correct    whether each response was right (success or failure memory)
     */
    public Bonuses score(long iteration, List<String> ids, INDArray questions, INDArray responses, boolean[] correct) {
        int b = (int) responses.rows();
        double weight = config.decay(iteration);
        double[] exploit = new double[b];
        double[] explore = new double[b];
        if (!success.isEmpty() && config.exploitCoefficient() > 0) {
            EpisodicMemory.Snapshot s = success.snapshot();
            CosineKnn.Result near = s.keys().query(questions, config.neighbours());
            int d = (int) responses.columns();
            float[][] centre = new float[b][d];
            for (int i = 0; i < b; i++) {
                int total = 0;
                for (int key : near.indices()[i]) {
                    total += s.count(key);
                }
                for (int key : near.indices()[i]) {
                    double w = (double) s.count(key) / total; // centroid of the union of the keys' embeddings
                    for (int c = 0; c < d; c++) {
                        centre[i][c] += (float) (w * s.centroids()[key][c]);
                    }
                }
            }
            double[] raw = responses.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).sub(Nd4j.createFromArray(centre))
                    .norm2(1).toDoubleVector();
            double[] norm = distances.normalise(raw);
            for (int i = 0; i < b; i++) {
                exploit[i] = weight * config.exploitCoefficient() * (1 - norm[i]);
            }
        }
        if (failure.keys() >= Math.max(1, config.minFailureKeys()) && config.exploreCoefficient() > 0) {
            EpisodicMemory.Snapshot f = failure.snapshot();
            CosineKnn.Result near = f.keys().query(questions, config.neighbours());
            // One product for all responses against all stored failures, then the max over each response's keys' rows.
            INDArray sims = new CosineKnn(f.values()).similarities(responses);
            INDArray mask = Nd4j.zeros(sims.dataType(), sims.rows(), sims.columns());
            for (int i = 0; i < b; i++) {
                for (int key : near.indices()[i]) {
                    mask.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(f.valueStart()[key], f.valueStart()[key + 1])).assign(1);
                }
            }
            // Cosines lie in [-1, 1]: masked-out entries get -2, below any real one.
            double[] maxCos = sims.mul(mask).add(mask.rsub(1).mul(-2)).max(1).toDoubleVector();
            double[] raw = new double[b];
            for (int i = 0; i < b; i++) {
                raw[i] = 1 - maxCos[i];
            }
            double[] norm = novelties.normalise(raw);
            for (int i = 0; i < b; i++) {
                explore[i] = weight * config.exploreCoefficient() * norm[i];
            }
        }
        float[][] q = questions.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix();
        float[][] r = responses.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix();
        for (int i = 0; i < b; i++) {
            (correct[i] ? success : failure).add(ids.get(i), q[i], r[i]);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("bonus_exploit_mean", mean(exploit));
        m.put("bonus_explore_mean", mean(explore));
        m.put("memory_success_keys", (double) success.keys());
        m.put("memory_failure_keys", (double) failure.keys());
        return new Bonuses(exploit, explore, m);
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return x.length == 0 ? 0 : s / x.length;
    }
}
