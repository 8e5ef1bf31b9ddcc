package io.dl4jrl.graphs;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.PartitionMode;
import org.nd4j.imports.converters.DifferentialFunctionClassHolder;
import org.nd4j.linalg.api.ops.impl.shape.tensorops.EmbeddingLookup;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A row lookup {@code out[n] = table[ids[n]]} ({@code table [rows, width]}, {@code ids [N]} integer,
 * {@code out [N, width]}) whose gradient is right: {@code dTable = unsorted_segment_sum(dOut, ids, rows)}, so the
 * rows of repeated ids accumulate, as an embedding's gradient must (the scatter-add of PyTorch's embedding
 * backward).
 *
 * <p>Why an op of our own: SameDiff 1.0.0-M2.1's {@code gather} differentiates axis 0 with {@code SDVariable.put},
 * which builds a control-flow loop that overwrites (does not add) the rows of repeated ids and fails outright
 * ("Unable to replace samediff namespace") once a graph holds two gathers; its other axes name a variable
 * "transposeConcat", so a second gather collides too. The forward here is libnd4j's {@code embedding_lookup}
 * kernel, whose Java class has no gradient at all in M2.1.
 *
 * <p>SameDiff clones every op through FlatBuffers when it builds the gradient function and re-creates it from the
 * class registered for the op's hash, which would turn this class back into {@code EmbeddingLookup} and lose the
 * gradient. {@link #register()} (run before any graph uses the op) maps {@code embedding_lookup}'s hash to this
 * class in {@link DifferentialFunctionClassHolder}: one map entry, and every other op is untouched. The check that
 * proves it: {@code EmbeddingRowsTest} (finite differences in double precision with repeated ids, two lookups in one
 * graph, a graph duplicated through FlatBuffers keeping the class).
 */
public final class EmbeddingRows extends EmbeddingLookup {
    private static volatile boolean registered;

    /** For SameDiff's re-creation of the op from its serialised form. */
    public EmbeddingRows() {
    }

    private EmbeddingRows(SameDiff sd, SDVariable table, SDVariable ids) {
        super(sd, table, ids, PartitionMode.MOD);
    }

    /**
     * {@code table[ids]}: ids of any shape are flattened, the result is {@code [ids.length, width]}.
     */
    public static SDVariable lookup(SameDiff sd, SDVariable table, SDVariable ids) {
        register();
        return new EmbeddingRows(sd, table, sd.reshape(ids, -1)).outputVariable();
    }

    /** dTable: dOut's rows summed into the rows their ids name; ids get no gradient. */
    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SDVariable table = arg(0);
        SDVariable ids = arg(1);
        SDVariable dTable = sameDiff.unsortedSegmentSum(gradients.get(0), ids, sameDiff.sizeAt(table, 0));
        return Arrays.asList(dTable, sameDiff.zerosLike(ids));
    }

    /** Makes SameDiff re-create {@code embedding_lookup} ops as this class (idempotent, thread-safe). */
    @SuppressWarnings("unchecked")
    public static void register() {
        if (registered) {
            return;
        }
        synchronized (EmbeddingRows.class) {
            if (registered) {
                return;
            }
            long hash = Nd4j.getExecutioner().getCustomOperations().get("embedding_lookup").getHash();
            try {
                Field f = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClass");
                f.setAccessible(true);
                Map<Long, Class<?>> byHash = (Map<Long, Class<?>>) f.get(DifferentialFunctionClassHolder.getInstance());
                byHash.put(hash, EmbeddingRows.class);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot register the embedding gradient with SameDiff's op registry", e);
            }
            registered = true;
        }
    }
}
