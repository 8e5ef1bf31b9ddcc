package io.dl4jrl.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, its header validated in full before any tensor is read, tensors memory-mapped on demand.
 * The format: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON ({@code {"__metadata__":
 * {...}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}}, possibly padded with
 * spaces), then the data region. Checked, each with a message naming the file: the length against the file size
 * and a 100 MB bound (before allocating anything), strict UTF-8 and JSON (no duplicate keys, nothing after the
 * object), every entry's fields and types, known dtypes, non-negative shapes without overflow, byte length =
 * elements × dtype size, offsets inside the data region, and the tensors tiling it exactly (no overlap, no gap,
 * nothing left over), as the reference implementation requires.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The reference implementation's bound on the header. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, SafetensorsEntry> entries;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, String> metadata,
                            Map<String, SafetensorsEntry> entries) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.entries = entries;
    }

    public static SafetensorsFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size < 8) {
                throw new SafetensorsFormatException(file, "too short for a safetensors file (" + size + " bytes; the header length alone takes 8)");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.flip().getLong();
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw new SafetensorsFormatException(file, "header length " + Long.toUnsignedString(n) + " exceeds the "
                        + MAX_HEADER_BYTES + "-byte bound");
            }
            if (n > size - 8) {
                throw new SafetensorsFormatException(file, "header length " + n + " runs past the end of the file (" + size + " bytes)");
            }
            if (n < 2) {
                throw new SafetensorsFormatException(file, "header length " + n + " is too small for a JSON object");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(ch, header, 8);
            Parsed p = parseHeader(file, header.flip(), size - 8 - n);
            return new SafetensorsFile(file, ch, 8 + n, p.metadata, p.entries);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private record Parsed(Map<String, String> metadata, Map<String, SafetensorsEntry> entries) {
    }

    static Parsed parseHeader(Path file, ByteBuffer bytes, long dataLength) throws SafetensorsFormatException {
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(file, "header is not valid UTF-8");
        }
        if (!text.startsWith("{")) {
            throw new SafetensorsFormatException(file, "header must start with '{'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text.stripTrailing());
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(file, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException(file, "header must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, SafetensorsEntry> entries = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new SafetensorsFormatException(file, "__metadata__ must be an object of strings");
                }
                Iterator<Map.Entry<String, JsonNode>> m = v.fields();
                while (m.hasNext()) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw new SafetensorsFormatException(file, "__metadata__ value of '" + kv.getKey() + "' must be a string");
                    }
                    metadata.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            if (name.isEmpty()) {
                throw new SafetensorsFormatException(file, "a tensor has an empty name");
            }
            entries.put(name, entry(file, name, v, dataLength));
        }
        checkTiling(file, entries.values(), dataLength);
        return new Parsed(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(entries));
    }

    private static SafetensorsEntry entry(Path file, String name, JsonNode v, long dataLength) throws SafetensorsFormatException {
        String where = "tensor '" + name + "': ";
        if (!v.isObject()) {
            throw new SafetensorsFormatException(file, where + "must be an object with dtype, shape and data_offsets");
        }
        Iterator<String> keys = v.fieldNames();
        while (keys.hasNext()) {
            String k = keys.next();
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw new SafetensorsFormatException(file, where + "unknown field '" + k + "'");
            }
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new SafetensorsFormatException(file, where + "dtype must be a string");
        }
        SafetensorsDtype dtype;
        try {
            dtype = SafetensorsDtype.parse(dt.asText());
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(file, where + e.getMessage());
        }
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new SafetensorsFormatException(file, where + "shape must be an array of integers");
        }
        if (sh.size() > 32) {
            throw new SafetensorsFormatException(file, where + "shape has " + sh.size() + " dimensions (at most 32)");
        }
        long[] shape = new long[sh.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new SafetensorsFormatException(file, where + "shape[" + i + "] must be a non-negative integer, got " + d);
            }
            shape[i] = d.asLong();
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException e) {
                throw new SafetensorsFormatException(file, where + "shape " + sh + " overflows");
            }
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new SafetensorsFormatException(file, where + "data_offsets must be [begin, end]");
        }
        for (int i = 0; i < 2; i++) {
            if (!off.get(i).isIntegralNumber() || !off.get(i).canConvertToLong() || off.get(i).asLong() < 0) {
                throw new SafetensorsFormatException(file, where + "data_offsets must be non-negative integers, got " + off);
            }
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin > end) {
            throw new SafetensorsFormatException(file, where + "data_offsets begin " + begin + " is after end " + end);
        }
        if (end > dataLength) {
            throw new SafetensorsFormatException(file, where + "data_offsets end " + end + " is past the data region (" + dataLength + " bytes)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elements, dtype.bytes());
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(file, where + "shape " + sh + " overflows");
        }
        if (end - begin != bytes) {
            throw new SafetensorsFormatException(file, where + dtype + " " + sh + " needs " + bytes + " bytes but data_offsets span "
                    + (end - begin));
        }
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static void checkTiling(Path file, java.util.Collection<SafetensorsEntry> entries, long dataLength)
            throws SafetensorsFormatException {
        List<SafetensorsEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(SafetensorsEntry::begin).thenComparingLong(SafetensorsEntry::end));
        long expected = 0;
        String previous = null;
        for (SafetensorsEntry e : sorted) {
            if (e.begin() < expected) {
                throw new SafetensorsFormatException(file, "tensor '" + e.name() + "' overlaps tensor '" + previous + "'");
            }
            if (e.begin() > expected) {
                throw new SafetensorsFormatException(file, "gap of " + (e.begin() - expected) + " bytes before tensor '" + e.name() + "'");
            }
            expected = e.end();
            previous = e.name();
        }
        if (expected != dataLength) {
            throw new SafetensorsFormatException(file, "the tensors cover " + expected + " bytes of a " + dataLength
                    + "-byte data region (trailing bytes)");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += r;
        }
    }

    public Path file() {
        return file;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensors by name, in header order. */
    public Map<String, SafetensorsEntry> entries() {
        return entries;
    }

    public SafetensorsEntry entry(String name) throws SafetensorsFormatException {
        SafetensorsEntry e = entries.get(name);
        if (e == null) {
            throw new SafetensorsFormatException(file, "no tensor '" + name + "'");
        }
        return e;
    }

    /** A floating-point tensor, memory-mapped and converted to {@code type} (FLOAT or DOUBLE). */
    public INDArray read(String name, DataType type) throws IOException {
        SafetensorsEntry e = entry(name);
        if (!e.dtype().floating()) {
            throw new SafetensorsFormatException(file, "tensor '" + name + "' is " + e.dtype() + ", not a floating-point weight");
        }
        long bytes = e.end() - e.begin();
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new SafetensorsFormatException(file, "tensor '" + name + "' is " + bytes + " bytes, more than one array can hold");
        }
        ByteBuffer buf = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) e.elements();
        INDArray out;
        if (e.dtype() == SafetensorsDtype.F64) {
            double[] d = new double[n];
            buf.asDoubleBuffer().get(d);
            out = array(d, e.shape());
        } else {
            float[] f = new float[n];
            switch (e.dtype()) {
                case F32 -> buf.asFloatBuffer().get(f);
                case F16 -> {
                    for (int i = 0; i < n; i++) f[i] = HalfFloats.halfToFloat(buf.getShort(2 * i));
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) f[i] = HalfFloats.bf16ToFloat(buf.getShort(2 * i));
                }
                default -> throw new IllegalStateException(e.dtype().name());
            }
            out = array(f, e.shape());
        }
        return out.dataType() == type ? out : out.castTo(type);
    }

    private static INDArray array(float[] f, long[] shape) {
        if (shape.length == 0) return Nd4j.scalar(f[0]);
        return f.length == 0 ? Nd4j.create(DataType.FLOAT, shape) : Nd4j.create(f, shape, 'c');
    }

    private static INDArray array(double[] d, long[] shape) {
        if (shape.length == 0) return Nd4j.scalar(d[0]);
        return d.length == 0 ? Nd4j.create(DataType.DOUBLE, shape) : Nd4j.create(d, shape, 'c');
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
