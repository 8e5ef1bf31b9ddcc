package io.dl4jrl.spark;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;

/** ND4J arrays as bytes for Spark's tasks and results ({@link Nd4j#toByteArray}: shape, type and data, exactly). */
final class ArrayBytes {
    private ArrayBytes() {
    }

    static byte[] of(INDArray array) {
        try {
            return Nd4j.toByteArray(array);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise an array of shape " + java.util.Arrays.toString(array.shape()), e);
        }
    }

    static INDArray array(byte[] bytes) {
        return Nd4j.fromByteArray(bytes);
    }
}
