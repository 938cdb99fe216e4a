package org.rnn4j.nd4j.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.testkit.ZipEntries;

/**
 * Mutates valid model files byte by byte (bit flips, truncation, overwritten and inserted spans) and field by field
 * (every leaf of the configuration and of the parameters' safetensors header set to values at and past their
 * limits, of the wrong type, or removed), and requires each load to end within a time bound as either a clear
 * {@link IOException} naming the file, or a model that predicts finite values (for byte mutations: the original
 * model, since the zip's CRCs cover everything that matters). Any other outcome fails with the case's seed.
 *
 * <p>{@value #DEFAULT_CASES} cases per mutation kind in the normal build; {@code -Drnn4j.fuzz.cases=N} runs more.
 */
class FileFuzzTest {
    static final int DEFAULT_CASES = 400;
    /** Each load must end within this, success or failure (the slowest seen here is a few milliseconds). */
    static final long CASE_MILLIS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Values at and past the limits, and of every JSON type. */
    private static final List<String> VALUES = List.of("-1", "0", "1", "2", "3", "7", "64", "1024", "1025",
            "2147483647", "2147483648", "-2147483648", "9223372036854775807", "99999999999999999999", "1e308",
            "-1e308", "2.5", "-0.0", "0.999999", "\"\"", "\"x\"", "\"gru\"", "\"lstm\"", "\"stacked\"", "\"TANH\"",
            "\"CONCAT\"", "\"FLOAT\"", "\"DOUBLE\"", "\"HALF\"", "\"INT\"", "true", "false", "null", "[]", "[1]",
            "[4294967296, 4294967296]", "{}", "{\"a\": 1}");

    @TempDir
    Path dir;

    private static List<SequenceModel> models() {
        return List.of(
                SequenceModel.builder().embedding(new Embedding(12, 3, 0))
                        .recurrent(StackedRnn.builder(Gru.builder(3, 4).build()).layers(2).bidirectional(true)
                                .dropout(0.1).seed(2).build())
                        .head(Dense.builder(8, 2).activation(Activation.IDENTITY).build())
                        .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).seed(5).build(),
                SequenceModel.builder().recurrent(Lstm.builder(2, 5).build()).head(Dense.builder(5, 1).build())
                        .outputMode(SequenceModel.OutputMode.LAST_STEP).dataType(DataType.DOUBLE).seed(6).build());
    }

    private static int cases() {
        return Integer.getInteger("rnn4j.fuzz.cases", DEFAULT_CASES);
    }

    @Test
    void byteMutationsGiveTheOriginalModelOrAClearError() throws IOException {
        int loaded = 0;
        int refused = 0;
        for (SequenceModel original : models()) {
            Path good = dir.resolve("good.rnn4j");
            ModelArchive.save(good, original);
            byte[] bytes = Files.readAllBytes(good);
            SplittableRandom random = new SplittableRandom(1);
            for (int c = 0; c < cases(); c++) {
                long seed = random.nextLong();
                byte[] mutated = mutateBytes(bytes, new SplittableRandom(seed));
                Outcome o = load(mutated, "byte case seed " + seed);
                if (o.model != null) {
                    assertTrue(o.model.parameters().flat().equalsWithEps(original.parameters().flat(), 0)
                            && o.model.config().equals(original.config()), "byte case seed " + seed + " loaded "
                            + "another model than the original");
                    loaded++;
                } else {
                    refused++;
                }
            }
        }
        System.out.printf("byte mutations: %d refused with a clear error, %d loaded the original%n", refused, loaded);
        assertTrue(refused > loaded, "most byte mutations must be caught");
    }

    @Test
    void configurationFieldMutationsGiveAWorkingModelOrAClearError() throws IOException {
        fieldCases("rnn4j.json", (manifest, random) -> {
            mutateLeaf(manifest.get("model"), random);
            return manifest;
        });
    }

    @Test
    void safetensorsHeaderMutationsGiveAWorkingModelOrAClearError() throws IOException {
        fieldCases("parameters.safetensors", (header, random) -> {
            mutateLeaf(header, random);
            return header;
        });
    }

    /** Edits one entry's JSON (for safetensors: its header, data kept) per case and loads the result. */
    private void fieldCases(String entry, BiFunction<ObjectNode, SplittableRandom, ObjectNode> edit)
            throws IOException {
        int loaded = 0;
        int refused = 0;
        for (SequenceModel original : models()) {
            Path good = dir.resolve("good.rnn4j");
            ModelArchive.save(good, original);
            Map<String, byte[]> entries = ZipEntries.read(Files.readAllBytes(good));
            SplittableRandom random = new SplittableRandom(2);
            for (int c = 0; c < cases(); c++) {
                long seed = random.nextLong();
                SplittableRandom r = new SplittableRandom(seed);
                byte[] content = entries.get(entry);
                byte[] edited;
                if (entry.endsWith(".safetensors")) {
                    int headerLength = (int) java.nio.ByteBuffer.wrap(content, 0, 8)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
                    ObjectNode header = (ObjectNode) JSON.readTree(new String(content, 8, headerLength,
                            StandardCharsets.UTF_8));
                    byte[] json = JSON.writeValueAsBytes(edit.apply(header, r));
                    byte[] data = Arrays.copyOfRange(content, 8 + headerLength, content.length);
                    edited = java.nio.ByteBuffer.allocate(8 + json.length + data.length)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json).put(data).array();
                } else {
                    edited = JSON.writeValueAsBytes(edit.apply((ObjectNode) JSON.readTree(content), r));
                }
                Map<String, byte[]> copy = new java.util.LinkedHashMap<>(entries);
                copy.put(entry, edited);
                Outcome o = load(ZipEntries.write(copy), entry + " case seed " + seed);
                if (o.model != null) {
                    predictsFinite(o.model, entry + " case seed " + seed);
                    loaded++;
                } else {
                    refused++;
                }
            }
        }
        System.out.printf("%s field mutations: %d refused with a clear error, %d loaded a working model%n", entry,
                refused, loaded);
    }

    private record Outcome(SequenceModel model, IOException error) {
    }

    /** Loads {@code bytes} as a model file: a model, or an IOException that names the file; anything else fails. */
    private Outcome load(byte[] bytes, String what) throws IOException {
        Path file = dir.resolve("case.rnn4j");
        Files.write(file, bytes);
        long start = System.nanoTime();
        try {
            return new Outcome(ModelArchive.load(file), null);
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(file.toString()), what + ": the error does "
                    + "not name the file: " + e);
            return new Outcome(null, e);
        } catch (RuntimeException | Error e) {
            fail(what + ": not a clear IOException but " + e, e);
            return null;
        } finally {
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < CASE_MILLIS, what + ": took " + millis + " ms");
        }
    }

    private static void predictsFinite(SequenceModel model, String what) {
        long inputSize = model.recurrent().inputSize();
        INDArray input = model.embedding() != null ? Nd4j.zeros(model.dataType(), 3, 2)
                : Nd4j.rand(model.dataType(), 3, 2, inputSize);
        try {
            INDArray out = model.predict(input, new int[] {3, 1});
            assertTrue(!out.isNaN().any() && !out.isInfinite().any(), what + ": predictions not finite");
        } catch (RuntimeException e) {
            fail(what + ": a loaded model could not predict: " + e, e);
        }
    }

    private static byte[] mutateBytes(byte[] original, SplittableRandom r) {
        byte[] b = original.clone();
        switch (r.nextInt(4)) {
            case 0 -> { // flip 1-8 bits
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length)); // truncate
            case 2 -> { // overwrite a span with random bytes
                int at = r.nextInt(b.length);
                int n = Math.min(b.length - at, 1 + r.nextInt(64));
                for (int i = 0; i < n; i++) {
                    b[at + i] = (byte) r.nextInt(256);
                }
            }
            default -> { // insert random bytes
                int at = r.nextInt(b.length);
                byte[] extra = new byte[1 + r.nextInt(32)];
                for (int i = 0; i < extra.length; i++) {
                    extra[i] = (byte) r.nextInt(256);
                }
                byte[] out = new byte[b.length + extra.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(extra, 0, out, at, extra.length);
                System.arraycopy(b, at, out, at + extra.length, b.length - at);
                b = out;
            }
        }
        return b;
    }

    /** Sets (or, one time in eight, removes) one leaf or subtree of {@code root}, chosen uniformly. */
    private static void mutateLeaf(JsonNode root, SplittableRandom r) {
        List<JsonNode> parents = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        collect(root, parents, keys);
        int k = r.nextInt(parents.size());
        JsonNode parent = parents.get(k);
        Object key = keys.get(k);
        JsonNode value;
        try {
            value = JSON.readTree(VALUES.get(r.nextInt(VALUES.size())));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        boolean remove = r.nextInt(8) == 0;
        if (parent instanceof ObjectNode o) {
            if (remove) {
                o.remove((String) key);
            } else {
                o.set((String) key, value);
            }
        } else if (parent instanceof ArrayNode a) {
            a.set((Integer) key, value);
        }
    }

    private static void collect(JsonNode node, List<JsonNode> parents, List<Object> keys) {
        if (node instanceof ObjectNode o) {
            o.fieldNames().forEachRemaining(name -> {
                parents.add(o);
                keys.add(name);
                collect(o.get(name), parents, keys);
            });
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                parents.add(a);
                keys.add(i);
                collect(a.get(i), parents, keys);
            }
        }
    }
}
