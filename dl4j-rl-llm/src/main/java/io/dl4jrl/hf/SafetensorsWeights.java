package io.dl4jrl.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or the shards a
 * {@code model.safetensors.index.json} names ({@code {"metadata": {...}, "weight_map": {"tensor": "shard file"}}}).
 * Shard names must be plain file names in the same directory (no paths, no {@code ..}); every shard must exist,
 * be a valid safetensors file and hold the tensors the index maps to it.
 */
public final class SafetensorsWeights implements AutoCloseable {
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Map<String, SafetensorsFile> byTensor;
    private final Set<SafetensorsFile> files;

    private SafetensorsWeights(Map<String, SafetensorsFile> byTensor) {
        this.byTensor = Collections.unmodifiableMap(byTensor);
        this.files = Set.copyOf(byTensor.values());
    }

    public static SafetensorsWeights open(Path dir) throws IOException {
        Path index = dir.resolve(INDEX);
        if (Files.exists(index)) {
            return openSharded(dir, index);
        }
        Path single = dir.resolve(SINGLE);
        if (!Files.exists(single)) {
            throw new java.io.FileNotFoundException(dir + ": neither " + SINGLE + " nor " + INDEX);
        }
        SafetensorsFile f = SafetensorsFile.open(single);
        Map<String, SafetensorsFile> m = new LinkedHashMap<>();
        f.entries().keySet().forEach(n -> m.put(n, f));
        return new SafetensorsWeights(m);
    }

    private static SafetensorsWeights openSharded(Path dir, Path index) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(index));
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(index, "not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new SafetensorsFormatException(index, "needs a non-empty object 'weight_map' of tensor name to shard file");
        }
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            Iterator<Map.Entry<String, JsonNode>> it = map.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new SafetensorsFormatException(index, "weight_map['" + e.getKey() + "'] must be a file name");
                }
                String shard = e.getValue().asText();
                if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..") || shard.equals(".")
                        || !shard.endsWith(".safetensors")) {
                    throw new SafetensorsFormatException(index, "weight_map['" + e.getKey() + "'] = '" + shard
                            + "' is not a .safetensors file name in this directory");
                }
                SafetensorsFile f = shards.get(shard);
                if (f == null) {
                    Path p = dir.resolve(shard);
                    if (!Files.exists(p)) {
                        throw new SafetensorsFormatException(index, "shard '" + shard + "' does not exist");
                    }
                    f = SafetensorsFile.open(p);
                    shards.put(shard, f);
                }
                if (!f.entries().containsKey(e.getKey())) {
                    throw new SafetensorsFormatException(index, "tensor '" + e.getKey() + "' is mapped to '" + shard + "', which does not hold it");
                }
                byTensor.put(e.getKey(), f);
            }
        } catch (IOException | RuntimeException e) {
            for (SafetensorsFile f : shards.values()) f.close();
            throw e;
        }
        return new SafetensorsWeights(byTensor);
    }

    public Set<String> names() {
        return byTensor.keySet();
    }

    public SafetensorsEntry entry(String name) throws IOException {
        return file(name).entry(name);
    }

    public INDArray read(String name, DataType type) throws IOException {
        return file(name).read(name, type);
    }

    private SafetensorsFile file(String name) throws java.io.FileNotFoundException {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new java.io.FileNotFoundException("no tensor '" + name + "' in the model's safetensors");
        }
        return f;
    }

    @Override
    public void close() throws IOException {
        for (SafetensorsFile f : files) f.close();
    }
}
