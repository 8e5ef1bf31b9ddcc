package io.dl4jrl.hf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path dir;

    static Map<String, INDArray> tensors() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("wte.weight", Nd4j.rand(DataType.FLOAT, 5, 3).subi(0.5));
        m.put("h.0.ln_1.bias", Nd4j.createFromArray(1.0f, -2.5f, 0.125f));
        m.put("scalar", Nd4j.scalar(7.0f));
        return m;
    }

    @Test
    void f32RoundTripIsExactAndTheHeaderIsAligned() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Map<String, INDArray> t = tensors();
        SafetensorsWriter.write(f, t, Map.of("format", "pt"), SafetensorsDtype.F32);
        ByteBuffer len = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, len.getLong() % 8);
        // readable by other users and tools, as a plainly written file (not the owner-only mode of temporary files)
        assertTrue(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)).startsWith("rw-r--r--"));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(Map.of("format", "pt"), s.metadata());
            assertEquals(t.keySet(), s.entries().keySet());
            for (Map.Entry<String, INDArray> e : t.entrySet()) {
                INDArray back = s.read(e.getKey(), DataType.FLOAT);
                assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
                assertEquals(e.getValue(), back, e.getKey());
            }
            assertEquals(DataType.DOUBLE, s.read("wte.weight", DataType.DOUBLE).dataType());
        }
    }

    @Test
    void halfAndBfloatRoundToNearestEven() throws IOException {
        assertEquals((short) 0x3c00, HalfFloats.floatToHalf(1.0f));
        assertEquals((short) 0xc000, HalfFloats.floatToHalf(-2.0f));
        assertEquals((short) 0x7bff, HalfFloats.floatToHalf(65504f));
        assertEquals((short) 0x7c00, HalfFloats.floatToHalf(65520f)); // rounds up to infinity
        assertEquals((short) 0x0001, HalfFloats.floatToHalf(0x1p-24f));
        assertEquals((short) 0x0000, HalfFloats.floatToHalf(0x1p-26f));
        assertEquals((short) 0x3c00, HalfFloats.floatToHalf(1.0f + 0x1p-11f)); // tie -> even
        assertEquals((short) 0x3c02, HalfFloats.floatToHalf(1.0f + 3 * 0x1p-11f)); // tie -> even (up)
        assertTrue(Float.isNaN(HalfFloats.halfToFloat(HalfFloats.floatToHalf(Float.NaN))));
        assertEquals(0x1p-24f, HalfFloats.halfToFloat((short) 0x0001));
        assertEquals(65504f, HalfFloats.halfToFloat((short) 0x7bff));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.halfToFloat((short) 0xfc00));
        assertEquals((short) 0x3f80, HalfFloats.floatToBf16(1.0f));
        assertEquals((short) 0x3f80, HalfFloats.floatToBf16(1.0f + 0x1p-8f)); // tie -> even
        assertEquals((short) 0x3f82, HalfFloats.floatToBf16(1.0f + 3 * 0x1p-8f));
        assertEquals(-2.0f, HalfFloats.bf16ToFloat((short) 0xc000));
        for (int bits = 0; bits < 0x10000; bits++) { // every finite half survives float and back
            float v = HalfFloats.halfToFloat((short) bits);
            if (!Float.isNaN(v)) assertEquals((short) bits, HalfFloats.floatToHalf(v), Integer.toHexString(bits));
        }

        Map<String, INDArray> t = Map.of("w", Nd4j.createFromArray(new float[][]{{1f, -0.5f}, {3.25f, 1024f}}));
        for (SafetensorsDtype d : new SafetensorsDtype[]{SafetensorsDtype.F16, SafetensorsDtype.BF16}) {
            Path f = dir.resolve(d + ".safetensors");
            SafetensorsWriter.write(f, t, null, d);
            try (SafetensorsFile s = SafetensorsFile.open(f)) {
                assertEquals(d, s.entry("w").dtype());
                assertEquals(t.get("w"), s.read("w", DataType.FLOAT)); // values representable in both
            }
        }
    }

    @Test
    void shardedWeightsAreFoundThroughTheIndex() throws IOException {
        Map<String, INDArray> t = tensors();
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), Map.of("wte.weight", t.get("wte.weight")), null, SafetensorsDtype.F32);
        Map<String, INDArray> rest = new LinkedHashMap<>(t);
        rest.remove("wte.weight");
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), rest, null, SafetensorsDtype.F32);
        Files.writeString(dir.resolve(SafetensorsWeights.INDEX), "{\"metadata\": {\"total_size\": 80}, \"weight_map\": {"
                + "\"wte.weight\": \"model-00001-of-00002.safetensors\", \"h.0.ln_1.bias\": \"model-00002-of-00002.safetensors\", "
                + "\"scalar\": \"model-00002-of-00002.safetensors\"}}");
        try (SafetensorsWeights w = SafetensorsWeights.open(dir)) {
            assertEquals(t.keySet(), w.names());
            for (String n : t.keySet()) assertEquals(t.get(n), w.read(n, DataType.FLOAT), n);
        }

        Files.writeString(dir.resolve(SafetensorsWeights.INDEX), "{\"weight_map\": {\"wte.weight\": \"../elsewhere.safetensors\"}}");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> SafetensorsWeights.open(dir)),
                SafetensorsWeights.INDEX, "'../elsewhere.safetensors' is not a .safetensors file name in this directory");
        Files.writeString(dir.resolve(SafetensorsWeights.INDEX), "{\"weight_map\": {\"wte.weight\": \"model-00009.safetensors\"}}");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> SafetensorsWeights.open(dir)),
                SafetensorsWeights.INDEX, "shard 'model-00009.safetensors' does not exist");
        Files.writeString(dir.resolve(SafetensorsWeights.INDEX), "{\"weight_map\": {\"scalar\": \"model-00001-of-00002.safetensors\"}}");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> SafetensorsWeights.open(dir)),
                SafetensorsWeights.INDEX, "tensor 'scalar' is mapped to 'model-00001-of-00002.safetensors', which does not hold it");
        Files.writeString(dir.resolve(SafetensorsWeights.INDEX), "{\"metadata\": {}}");
        assertMessage(assertThrows(SafetensorsFormatException.class, () -> SafetensorsWeights.open(dir)),
                SafetensorsWeights.INDEX, "needs a non-empty object 'weight_map'");
    }

    @Test
    void integerTensorsAreNotWeights() throws IOException {
        Path f = write(dir, "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertMessage(assertThrows(SafetensorsFormatException.class, () -> s.read("ids", DataType.FLOAT)),
                    f.getFileName().toString(), "tensor 'ids' is I64, not a floating-point weight");
            assertMessage(assertThrows(SafetensorsFormatException.class, () -> s.read("nope", DataType.FLOAT)),
                    f.getFileName().toString(), "no tensor 'nope'");
        }
    }

    static String t(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    static Stream<Arguments> malformed() {
        String ok = t("a", "F32", "[2,2]", 0, 16);
        return Stream.of(
                raw(new byte[]{1, 2, 3}, "too short for a safetensors file (3 bytes"),
                len(1L << 40, "{}", 0, "header length 1099511627776 exceeds the 100000000-byte bound"),
                len(-1L, "{}", 0, "header length 18446744073709551615 exceeds"),
                len(500, "{}", 0, "header length 500 runs past the end of the file"),
                len(0, "", 0, "header length 0 is too small"),
                raw(bytesWithHeader(new byte[]{'{', (byte) 0xff, (byte) 0xfe, '}'}), "header is not valid UTF-8"),
                header("[1, 2]", 0, "header must start with '{'"),
                header("{\"a\": ", 0, "header is not valid JSON"),
                header("{} trailing", 0, "header is not valid JSON"),
                header("{" + ok + "," + ok + "}", 16, "header is not valid JSON: Duplicate field 'a'"),
                header("{\"a\": 3}", 0, "tensor 'a': must be an object"),
                header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", 4, "tensor 'a': unknown field 'extra'"),
                header("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor 'a': dtype must be a string"),
                header("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor 'a': dtype must be a string"),
                header("{" + t("a", "F8", "[1]", 0, 1) + "}", 1, "tensor 'a': unknown dtype 'F8'"),
                header("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "tensor 'a': shape must be an array of integers"),
                header("{\"a\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,4]}}", 4, "tensor 'a': shape must be an array of integers"),
                header("{" + t("a", "F32", "[-1]", 0, 4) + "}", 4, "tensor 'a': shape[0] must be a non-negative integer, got -1"),
                header("{" + t("a", "F32", "[2.5]", 0, 4) + "}", 4, "tensor 'a': shape[0] must be a non-negative integer, got 2.5"),
                header("{" + t("a", "F32", "[\"2\"]", 0, 8) + "}", 8, "tensor 'a': shape[0] must be a non-negative integer"),
                header("{" + t("a", "F32", "[1099511627776,1099511627776]", 0, 4) + "}", 4, "tensor 'a': shape [1099511627776,1099511627776] overflows"),
                header("{" + t("a", "F32", "[4611686018427387904]", 0, 4) + "}", 4, "tensor 'a': shape [4611686018427387904] overflows"),
                header("{" + t("a", "F32", "[" + "1,".repeat(32) + "1]", 0, 4) + "}", 4, "tensor 'a': shape has 33 dimensions (at most 32)"),
                header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "tensor 'a': data_offsets must be [begin, end]"),
                header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,2,4]}}", 4, "tensor 'a': data_offsets must be [begin, end]"),
                header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4, "tensor 'a': data_offsets must be non-negative integers"),
                header("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",\"4\"]}}", 4, "tensor 'a': data_offsets must be non-negative integers"),
                header("{" + t("a", "F32", "[1]", 8, 4) + "}", 8, "tensor 'a': data_offsets begin 8 is after end 4"),
                header("{" + t("a", "F32", "[1]", 0, 4) + "}", 2, "tensor 'a': data_offsets end 4 is past the data region (2 bytes)"),
                header("{" + t("a", "F32", "[2,2]", 0, 12) + "}", 12, "tensor 'a': F32 [2,2] needs 16 bytes but data_offsets span 12"),
                header("{" + t("a", "F32", "[2]", 0, 8) + "," + t("b", "F32", "[2]", 4, 12) + "}", 12, "tensor 'b' overlaps tensor 'a'"),
                header("{" + t("a", "F32", "[1]", 0, 4) + "," + t("b", "F32", "[1]", 8, 12) + "}", 12, "gap of 4 bytes before tensor 'b'"),
                header("{" + t("a", "F32", "[1]", 0, 4) + "}", 12, "the tensors cover 4 bytes of a 12-byte data region (trailing bytes)"),
                header("{" + t("", "F32", "[1]", 0, 4) + "}", 4, "a tensor has an empty name"),
                header("{\"__metadata__\": [1], " + ok + "}", 16, "__metadata__ must be an object of strings"),
                header("{\"__metadata__\": {\"format\": 1}, " + ok + "}", 16, "__metadata__ value of 'format' must be a string"),
                header("{" + t("a", "BF16", "[3]", 0, 4) + "}", 4, "tensor 'a': BF16 [3] needs 6 bytes but data_offsets span 4"));
    }

    @ParameterizedTest(name = "{index}: {1}")
    @MethodSource("malformed")
    void everyMalformedFileIsRejectedNamingTheFile(byte[] content, String expected) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, content);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f));
        assertMessage(e, "bad.safetensors", expected);
    }

    @Test
    void thereAreMoreThanThirtyMalformedCases() {
        assertTrue(malformed().count() >= 30);
    }

    private static void assertMessage(Exception e, String file, String expected) {
        assertTrue(e.getMessage().contains(file + ": ") && e.getMessage().contains(expected), e.getMessage());
    }

    private static Arguments raw(byte[] content, String expected) {
        return Arguments.of(content, expected);
    }

    /** A header whose JSON is {@code json} followed by {@code dataBytes} zero bytes. */
    private static Arguments header(String json, int dataBytes, String expected) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return len(h.length, json, dataBytes, expected);
    }

    private static Arguments len(long declared, String json, int dataBytes, String expected) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declared).put(h);
        return Arguments.of(b.array(), expected);
    }

    private static byte[] bytesWithHeader(byte[] h) {
        return ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }

    private static Path write(Path dir, String json, int dataBytes) throws IOException {
        Path f = dir.resolve("ints.safetensors");
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        Files.write(f, ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array());
        return f;
    }
}
