package io.dl4jrl.hf;

import java.util.Arrays;

/**
 * One tensor of a safetensors header.
 *
 * @param begin offset of its first byte in the data region (after the 8-byte length and the header)
 * @param end   offset one past its last byte
 */
public record SafetensorsEntry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {
    public long elements() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
