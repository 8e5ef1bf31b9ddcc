package io.dl4jrl.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes tensors as a safetensors file, atomically (a temporary file renamed over the target): header in the
 * given order, padded with spaces to 8-byte alignment as the reference implementation does, then the tensors
 * back to back in C order, little-endian, as F32, F16 or BF16 (rounded to nearest even).
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata, SafetensorsDtype dtype)
            throws IOException {
        if (dtype != SafetensorsDtype.F32 && dtype != SafetensorsDtype.F16 && dtype != SafetensorsDtype.BF16) {
            throw new IllegalArgumentException("weights are written as F32, F16 or BF16, not " + dtype);
        }
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> t : tensors.entrySet()) {
            INDArray a = t.getValue();
            if (!a.dataType().isFPType()) {
                throw new IllegalArgumentException("tensor '" + t.getKey() + "' is " + a.dataType() + ", not floating point");
            }
            ObjectNode e = header.putObject(t.getKey());
            e.put("dtype", dtype.name());
            ArrayNode shape = e.putArray("shape");
            for (long s : a.shape()) shape.add(s);
            long bytes = a.length() * dtype.bytes();
            e.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        io.dl4jrl.checkpoint.AtomicFiles.write(file, tmp -> {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                out.write(json);
                for (int i = json.length; i < padded; i++) out.write(' ');
                for (INDArray a : tensors.values()) {
                    writeTensor(out, a, dtype);
                }
            }
        });
    }

    private static void writeTensor(OutputStream out, INDArray a, SafetensorsDtype dtype) throws IOException {
        float[] f = a.length() == 0 ? new float[0] : a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer buf = ByteBuffer.allocate(f.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : f) {
            switch (dtype) {
                case F32 -> buf.putFloat(v);
                case F16 -> buf.putShort(HalfFloats.floatToHalf(v));
                case BF16 -> buf.putShort(HalfFloats.floatToBf16(v));
                default -> throw new IllegalStateException(dtype.name());
            }
        }
        out.write(buf.array());
    }
}
