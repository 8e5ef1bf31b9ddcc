package io.dl4jrl.hf;

import java.util.Arrays;

/** The element types of the safetensors format, with their sizes in bytes. */
public enum SafetensorsDtype {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** Whether policy weights can be loaded from it (converted to the policy's float type). */
    public boolean floating() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    static SafetensorsDtype parse(String s) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + s + "' (known: " + Arrays.toString(values()) + ")");
    }
}
