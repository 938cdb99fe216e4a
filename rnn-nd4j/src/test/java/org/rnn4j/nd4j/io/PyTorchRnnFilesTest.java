package org.rnn4j.nd4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.StackedRnn;

/** Saving, loading and every way a weights file can be wrong. */
class PyTorchRnnFilesTest {
    @TempDir
    Path dir;

    private final StackedRnn spec = StackedRnn.builder(Lstm.builder(3, 4).build()).layers(2).bidirectional(true)
            .build();

    private Parameters random() {
        Parameters p = Parameters.zeros(spec.layout(), DataType.FLOAT);
        spec.initialize(p, new SplittableRandom(1));
        return p;
    }

    @Test
    void saveThenLoadRoundTripsWithPyTorchNames() throws IOException {
        Parameters p = random();
        Path file = dir.resolve("lstm.safetensors");
        PyTorchRnn.save(file, p);
        SafeTensors.Contents c = SafeTensors.read(file);
        assertTrue(c.tensors().containsKey("weight_hh_l1_reverse"), c.tensors().keySet().toString());
        assertEquals("1", c.metadata().get("format_version"));
        Parameters q = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        PyTorchRnn.load(file, q);
        assertTrue(p.flat().castTo(DataType.DOUBLE).equalsWithEps(q.flat(), 0));
        // a single cell reads the same names with _l0
        Lstm cell = Lstm.builder(3, 4).build();
        Parameters single = Parameters.zeros(cell.layout(), DataType.FLOAT);
        PyTorchRnn.save(file, single);
        assertTrue(SafeTensors.read(file).tensors().containsKey("bias_ih_l0"));
    }

    @Test
    void namesMapBothWays() {
        assertEquals("weight_ih_l0", PyTorchRnn.toPyTorch("l0.weight_ih"));
        assertEquals("bias_hh_l3_reverse", PyTorchRnn.toPyTorch("l3_reverse.bias_hh"));
        assertEquals("weight_hh_l0", PyTorchRnn.toPyTorch("weight_hh"));
        assertEquals("l3_reverse.bias_hh", PyTorchRnn.fromPyTorch("bias_hh_l3_reverse"));
        assertEquals("l12.weight_ih", PyTorchRnn.fromPyTorch("weight_ih_l12"));
    }

    private Path withTensors(Map<String, INDArray> tensors) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        SafeTensors.write(file, tensors, Map.of());
        return file;
    }

    private Map<String, INDArray> valid() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        Parameters p = random();
        p.names().forEach(n -> m.put(PyTorchRnn.toPyTorch(n), p.get(n)));
        return m;
    }

    private String loadError(Path file) {
        return assertThrows(IOException.class,
                () -> PyTorchRnn.load(file, Parameters.zeros(spec.layout(), DataType.FLOAT))).getMessage();
    }

    @Test
    void missingExtraAndMisshapenTensorsAreNamed() throws IOException {
        Map<String, INDArray> m = valid();
        m.remove("bias_hh_l1");
        assertTrue(loadError(withTensors(m)).contains("lacks tensor(s) [bias_hh_l1] (e.g. 'bias_hh_l1' of shape [16])"));

        m = valid();
        m.put("weight_ih_l2", Nd4j.zeros(DataType.FLOAT, 16, 8));
        assertTrue(loadError(withTensors(m)).contains("unexpected tensor(s) [weight_ih_l2]"));

        m = valid();
        m.put("weight_ih_l0", Nd4j.zeros(DataType.FLOAT, 12, 3));
        String e = loadError(withTensors(m));
        assertTrue(e.contains("tensor 'weight_ih_l0' has shape [12, 3] but the layer expects [16, 3]"), e);

        // a GRU's weights into an LSTM: same names, other shapes
        StackedRnn gru = StackedRnn.builder(Gru.builder(3, 4).build()).layers(2).bidirectional(true).build();
        Parameters g = Parameters.zeros(gru.layout(), DataType.FLOAT);
        Path file = dir.resolve("gru.safetensors");
        PyTorchRnn.save(file, g);
        assertTrue(loadError(file).contains("has shape [12, 3] but the layer expects [16, 3]"));
    }

    @Test
    void corruptFilesGiveClearErrors() throws IOException {
        Path good = dir.resolve("good.safetensors");
        PyTorchRnn.save(good, random());
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
        assertTrue(loadError(truncated).contains("outside the"), loadError(truncated));

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertTrue(loadError(tiny).contains("shorter than the 8-byte header length"));

        Path hugeHeader = dir.resolve("huge.safetensors");
        Files.write(hugeHeader, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertTrue(loadError(hugeHeader).contains("does not fit the file"));

        Path notJson = dir.resolve("notjson.safetensors");
        byte[] header = "{not json".getBytes(StandardCharsets.UTF_8);
        Files.write(notJson, ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).array());
        assertTrue(loadError(notJson).contains("the header is not valid JSON"));

        Path intTensor = dir.resolve("int.safetensors");
        byte[] h = "{\"weight_ih_l0\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}"
                .getBytes(StandardCharsets.UTF_8);
        Files.write(intTensor, ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).putInt(7).array());
        assertTrue(loadError(intTensor).contains("tensor 'weight_ih_l0' has dtype 'I32'; supported: F32, F64"));

        // shapes whose element count overflows 64 bits, or that are not integers, are refused naming the tensor
        for (String shape : new String[] {"[4294967296,4294967296,0]", "[4611686018427387904,4]", "[2.5]",
            "[\"3\"]"}) {
            Path tampered = dir.resolve("shape.safetensors");
            byte[] t = ("{\"weight_ih_l0\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,0]}}")
                    .getBytes(StandardCharsets.UTF_8);
            Files.write(tampered, ByteBuffer.allocate(8 + t.length).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(t.length).put(t).array());
            String error = loadError(tampered);
            assertTrue(error.contains("tensor 'weight_ih_l0' has") && (error.contains("overflows 64 bits")
                    || error.contains("non-integer size")), shape + ": " + error);
        }

        Path newer = dir.resolve("newer.safetensors");
        Map<String, INDArray> m = valid();
        SafeTensors.write(newer, m, Map.of("format", PyTorchRnn.FORMAT, "format_version", "2"));
        assertTrue(loadError(newer).contains("version 2; this rnn4j reads up to version 1"));

        assertTrue(loadError(dir.resolve("absent.safetensors")).contains("absent.safetensors"));
    }

    @Test
    void aFailedSaveLeavesThePreviousFileWhole() throws IOException {
        Path file = dir.resolve("weights.safetensors");
        PyTorchRnn.save(file, random());
        byte[] before = Files.readAllBytes(file);
        Map<String, INDArray> bad = valid();
        bad.put("weight_ih_l9", Nd4j.zeros(DataType.INT, 2));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, bad, Map.of()));
        assertTrue(Arrays.equals(before, Files.readAllBytes(file)), "previous file intact");
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "no temporary file left behind");
        }
    }
}
