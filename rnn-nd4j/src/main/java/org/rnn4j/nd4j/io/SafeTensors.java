package org.rnn4j.nd4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format: an 8-byte
 * little-endian header length, a JSON header naming each tensor's {@code dtype}, {@code shape} and
 * {@code data_offsets}, optional string {@code __metadata__}, then the raw little-endian data. Supported data types:
 * {@code F32} and {@code F64}. Every inconsistency (a truncated file, a header that is not JSON or runs past the file,
 * offsets outside the data or not matching the shape) is an {@link IOException} naming the file and the tensor.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METADATA = "__metadata__";
    /** Headers larger than this are rejected before allocating (the reference implementation's limit). */
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /** The tensors and metadata of one file, in file order. */
    public record Contents(Map<String, INDArray> tensors, Map<String, String> metadata) {
    }

    public static Contents read(Path file) throws IOException {
        Checks.notNull(file, "file");
        return decode(file.toString(), Files.readAllBytes(file));
    }

    /** Parses safetensors {@code bytes}; {@code file} names the source in error messages. */
    public static Contents decode(String file, byte[] bytes) throws IOException {
        if (bytes.length < 8) {
            throw new IOException(file + " is not a safetensors file: " + bytes.length
                    + " bytes, shorter than the 8-byte header length");
        }
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER || headerLength > bytes.length - 8) {
            throw new IOException(file + ": header length " + headerLength + " does not fit the file of "
                    + bytes.length + " bytes (truncated or not safetensors)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": the header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw new IOException(file + ": the header must be a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataLength = bytes.length - dataStart;
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals(METADATA)) {
                entry.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(entry.getKey(), tensor(file, entry.getKey(), entry.getValue(), bytes, dataStart, dataLength));
        }
        return new Contents(tensors, metadata);
    }

    private static INDArray tensor(String file, String name, JsonNode info, byte[] bytes, long dataStart,
                                   long dataLength) throws IOException {
        String where = file + ": tensor '" + name + "'";
        String dtype = info.path("dtype").asText("");
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F64" -> 8;
            default -> throw new IOException(where + " has dtype '" + dtype + "'; supported: F32, F64");
        };
        JsonNode shapeNode = info.path("shape");
        JsonNode offsets = info.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new IOException(where + " needs a 'shape' array and two 'data_offsets'");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode size = shapeNode.get(i);
            shape[i] = size.canConvertToExactIntegral() && size.canConvertToLong() ? size.asLong() : -1;
            if (shape[i] < 0) {
                throw new IOException(where + " has a negative or non-integer size in shape " + shapeNode);
            }
            try {
                count = Math.multiplyExact(count, shape[i]);
                Math.multiplyExact(count, width);
            } catch (ArithmeticException e) {
                throw new IOException(where + " has shape " + shapeNode + ", whose byte count overflows 64 bits "
                        + "(the file holds " + dataLength + " data bytes)");
            }
        }
        JsonNode first = offsets.get(0);
        JsonNode last = offsets.get(1);
        long begin = first.canConvertToExactIntegral() && first.canConvertToLong() ? first.asLong() : -1;
        long end = last.canConvertToExactIntegral() && last.canConvertToLong() ? last.asLong() : -1;
        if (begin < 0 || end < begin || end > dataLength) {
            throw new IOException(where + " has data_offsets " + offsets + " outside the " + dataLength
                    + " data bytes (truncated file?)");
        }
        if (end - begin != count * width) {
            throw new IOException(where + " has " + (end - begin) + " data bytes but shape "
                    + Arrays.toString(shape) + " of " + dtype + " needs " + count * width);
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, Math.toIntExact(dataStart + begin), Math.toIntExact(end - begin))
                .order(ByteOrder.LITTLE_ENDIAN);
        INDArray flat;
        if (width == 4) {
            float[] v = new float[Math.toIntExact(count)];
            data.asFloatBuffer().get(v);
            flat = Nd4j.createFromArray(v);
        } else {
            double[] v = new double[Math.toIntExact(count)];
            data.asDoubleBuffer().get(v);
            flat = Nd4j.createFromArray(v);
        }
        return shape.length == 0 ? flat.reshape() : flat.reshape('c', shape);
    }

    /**
     * Writes {@code tensors} (FLOAT or DOUBLE) with {@code metadata}, atomically: to a temporary file in the same
     * directory, then moved over {@code file}.
     */
    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata)
            throws IOException {
        Checks.notNull(file, "file");
        AtomicFiles.write(file, encode(tensors, metadata));
    }

    /** The safetensors bytes of {@code tensors} (FLOAT or DOUBLE) with {@code metadata}. */
    public static byte[] encode(Map<String, INDArray> tensors, Map<String, String> metadata) throws IOException {
        Checks.notNull(tensors, "tensors");
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject(METADATA);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = Checks.notNull(e.getValue(), "tensor '" + e.getKey() + "'");
            String dtype = switch (a.dataType()) {
                case FLOAT -> "F32";
                case DOUBLE -> "F64";
                default -> throw new IllegalArgumentException("tensor '" + e.getKey() + "' has data type "
                        + a.dataType() + "; only FLOAT and DOUBLE can be written");
            };
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            Arrays.stream(a.shape()).forEach(t.putArray("shape")::add);
            long size = a.length() * a.dataType().width();
            t.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padding = (8 - json.length % 8) % 8; // keeps the data 8-byte aligned, as the reference writer does
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + json.length + padding + offset))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length + padding).put(json);
        for (int i = 0; i < padding; i++) {
            out.put((byte) ' ');
        }
        for (INDArray a : tensors.values()) {
            INDArray c = a.dup('c');
            if (a.dataType() == DataType.FLOAT) {
                for (float v : c.data().asFloat()) {
                    out.putFloat(v);
                }
            } else {
                for (double v : c.data().asDouble()) {
                    out.putDouble(v);
                }
            }
        }
        return out.array();
    }
}
