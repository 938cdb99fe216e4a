package org.rnn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.nd4j.cell.CellSpec;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.RecurrentSpec;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.model.SequenceModel.OutputMode;

/**
 * Every exported model, run by ONNX Runtime on a padded batch of variable lengths (garbage in the padding), gives
 * rnn4j's outputs to 1e-5: each cell type, stacked and bidirectional, with and without embedding, every output mode.
 */
class OnnxRuntimeEqualityTest {
    static final double TOLERANCE = 1e-5;
    static final int VOCABULARY = 30;
    static final int FEATURES = 5;
    static final int HIDDEN = 6;
    static final int[] LENGTHS = {7, 2, 5, 1, 7};
    static final int STEPS = 7;

    enum Cell {
        RNN_TANH, RNN_RELU, LSTM, GRU;

        CellSpec spec(int input, boolean bias) {
            return switch (this) {
                case RNN_TANH -> VanillaRnn.builder(input, HIDDEN).bias(bias).build();
                case RNN_RELU -> VanillaRnn.builder(input, HIDDEN).activation(Activation.RELU).bias(bias).build();
                case LSTM -> Lstm.builder(input, HIDDEN).bias(bias).build();
                case GRU -> Gru.builder(input, HIDDEN).bias(bias).build();
            };
        }
    }

    /** One model to export: its recurrent part, whether it has an embedding, its output mode and head. */
    record Case(String name, Cell cell, int layers, boolean bidirectional, StackedRnn.Merge merge, boolean single,
                boolean embedding, OutputMode mode, Activation head, boolean bias) {
        @Override
        public String toString() {
            return name;
        }

        SequenceModel model() {
            int input = embedding ? 4 : FEATURES;
            CellSpec cellSpec = cell.spec(input, bias);
            RecurrentSpec recurrent = single ? org.rnn4j.nd4j.layer.RecurrentLayer.of(cellSpec)
                    : StackedRnn.builder(cellSpec).layers(layers).bidirectional(bidirectional).merge(merge)
                            .dropout(layers > 1 ? 0.3 : 0).build();
            int directions = bidirectional ? 2 : 1;
            int features = mode == OutputMode.FINAL_HIDDEN ? directions * HIDDEN : recurrent.outputSize();
            SequenceModel.Builder b = SequenceModel.builder().recurrent(recurrent).outputMode(mode).seed(11);
            if (embedding) {
                b.embedding(new Embedding(VOCABULARY, 4, 0));
            }
            if (head != null) {
                b.head(Dense.builder(features, 3).activation(head).build()).headDropout(0.2);
            }
            SequenceModel model = b.build();
            // biases start at zero: random values everywhere, so that every bias and gate block is exercised
            INDArray flat = model.parameters().flat();
            SplittableRandom random = new SplittableRandom(name.hashCode());
            double[] values = new double[Math.toIntExact(flat.length())];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextDouble(-0.4, 0.4);
            }
            flat.assign(Nd4j.createFromArray(values).reshape(flat.shape()).castTo(flat.dataType()));
            return model;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        OutputMode[] modes = {OutputMode.LAST_STEP, OutputMode.FINAL_HIDDEN, OutputMode.ALL_STEPS};
        int k = 0;
        for (Cell cell : new Cell[] {Cell.RNN_TANH, Cell.LSTM, Cell.GRU}) {
            for (boolean embedding : new boolean[] {true, false}) {
                OutputMode mode = modes[k++ % modes.length];
                cases.add(new Case(cell + " 2 layers bidirectional" + (embedding ? " embedding " : " ") + mode, cell,
                        2, true, StackedRnn.Merge.CONCAT, false, embedding, mode, Activation.IDENTITY, true));
            }
        }
        for (Cell cell : Cell.values()) {
            for (OutputMode mode : modes) {
                cases.add(new Case(cell + " single layer " + mode, cell, 1, false, StackedRnn.Merge.CONCAT, true,
                        false, mode, mode == OutputMode.ALL_STEPS ? null : Activation.SIGMOID, true));
            }
        }
        cases.add(new Case("LSTM bidirectional SUM LAST_STEP", Cell.LSTM, 1, true, StackedRnn.Merge.SUM, false,
                false, OutputMode.LAST_STEP, Activation.TANH, true));
        cases.add(new Case("GRU 3 layers bidirectional SUM ALL_STEPS", Cell.GRU, 3, true, StackedRnn.Merge.SUM,
                false, true, OutputMode.ALL_STEPS, Activation.IDENTITY, true));
        cases.add(new Case("RNN_RELU 2 layers FINAL_HIDDEN no head", Cell.RNN_RELU, 2, false,
                StackedRnn.Merge.CONCAT, false, true, OutputMode.FINAL_HIDDEN, null, true));
        cases.add(new Case("LSTM no bias bidirectional LAST_STEP", Cell.LSTM, 2, true, StackedRnn.Merge.CONCAT, false,
                true, OutputMode.LAST_STEP, Activation.RELU, false));
        cases.add(new Case("GRU no bias FINAL_HIDDEN", Cell.GRU, 1, false, StackedRnn.Merge.CONCAT, false, false,
                OutputMode.FINAL_HIDDEN, Activation.IDENTITY, false));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void onnxRuntimeGivesRnn4jsOutputs(Case c) throws OrtException {
        SequenceModel model = c.model();
        Batch batch = Batch.random(c.embedding(), c.name().hashCode());
        float[] expected = model.predict(batch.rnn4jInput(), LENGTHS).castTo(DataType.FLOAT).dup('c').data()
                .asFloat();
        long[] expectedShape = model.predict(batch.rnn4jInput(), LENGTHS).shape();
        Output actual = Runtime.run(OnnxExport.toBytes(model), batch);
        assertArrayEquals(expectedShape, actual.shape(), "output shape");
        assertClose(expected, actual.values(), c.name());
    }

    @Test
    void aFloat64ModelIsExportedAsFloat32WithTheSameOutputs() throws OrtException {
        SequenceModel model = SequenceModel.builder()
                .recurrent(StackedRnn.builder(Lstm.builder(FEATURES, HIDDEN).build()).bidirectional(true).build())
                .outputMode(OutputMode.LAST_STEP).head(Dense.builder(2 * HIDDEN, 2).build())
                .dataType(DataType.DOUBLE).seed(4).build();
        Batch batch = Batch.random(false, 9);
        float[] expected = model.predict(batch.rnn4jInput().castTo(DataType.DOUBLE), LENGTHS).castTo(DataType.FLOAT)
                .dup('c').data().asFloat();
        assertClose(expected, Runtime.run(OnnxExport.toBytes(model), batch).values(), "float64 model");
    }

    @Test
    void savedFileLoadsInOnnxRuntimeAndDeclaresItsOpsetAndDynamicAxes(@TempDir Path dir) throws Exception {
        SequenceModel model = new Case("saved", Cell.GRU, 2, true, StackedRnn.Merge.CONCAT, false, true,
                OutputMode.FINAL_HIDDEN, Activation.IDENTITY, true).model();
        Path file = dir.resolve("model.onnx");
        OnnxExport.save(model, file);
        onnx.Onnx.ModelProto proto = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(OnnxExport.OPSET, proto.getOpsetImport(0).getVersion());
        assertEquals("time", proto.getGraph().getInput(1).getType().getTensorType().getShape().getDim(0)
                .getDimParam());
        assertEquals("batch", proto.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(0)
                .getDimParam());
        Batch batch = Batch.random(true, 3);
        float[] expected = model.predict(batch.rnn4jInput(), LENGTHS).dup('c').data().asFloat();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertClose(expected, Runtime.run(env, session, batch).values(), "from the file");
        }
    }

    @Test
    void anActivationOnnxCannotExpressIsRefusedNamingIt() {
        SequenceModel model = SequenceModel.builder()
                .recurrent(VanillaRnn.builder(FEATURES, HIDDEN).activation(Activation.SIGMOID).build())
                .outputMode(OutputMode.LAST_STEP).build();
        // Sigmoid is an ONNX RNN activation: exported; IDENTITY is not
        assertTrue(OnnxExport.toBytes(model).length > 0);
        SequenceModel identity = SequenceModel.builder()
                .recurrent(VanillaRnn.builder(FEATURES, HIDDEN).activation(Activation.IDENTITY).build())
                .outputMode(OutputMode.LAST_STEP).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.toBytes(identity));
        assertTrue(e.getMessage().contains("RNN cell's activation") && e.getMessage().contains("IDENTITY"),
                e.getMessage());
    }

    @Test
    void aModelWithANonFiniteParameterIsRefusedNamingIt() {
        SequenceModel model = new Case("nan", Cell.GRU, 1, false, StackedRnn.Merge.CONCAT, false, false,
                OutputMode.LAST_STEP, Activation.IDENTITY, true).model();
        model.parameters().get("head.bias").putScalar(0, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(model));
        assertTrue(e.getMessage().contains("'head.bias'") && e.getMessage().contains("NaN"), e.getMessage());
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": number of outputs");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i])));
        }
        assertTrue(worst <= TOLERANCE, what + ": ONNX Runtime differs from rnn4j by " + worst);
    }

    /** A padded batch of {@link #LENGTHS} with random values (or ids) in the padding too. */
    record Batch(boolean tokens, float[] values) {
        static Batch random(boolean tokens, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            int batch = LENGTHS.length;
            float[] values = new float[STEPS * batch * (tokens ? 1 : FEATURES)];
            for (int i = 0; i < values.length; i++) {
                values[i] = tokens ? random.nextInt(1, VOCABULARY) : (float) random.nextGaussian();
            }
            return new Batch(tokens, values);
        }

        INDArray rnn4jInput() {
            return tokens ? Nd4j.create(values, new long[] {STEPS, LENGTHS.length}, 'c')
                    : Nd4j.create(values, new long[] {STEPS, LENGTHS.length, FEATURES}, 'c');
        }
    }

    record Output(long[] shape, float[] values) {
    }

    /** Runs an exported model in ONNX Runtime. */
    static final class Runtime {
        static Output run(byte[] model, Batch batch) throws OrtException {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                try (OrtSession session = env.createSession(model, options)) {
                    return run(env, session, batch);
                }
            }
        }

        static Output run(OrtEnvironment env, OrtSession session, Batch batch) throws OrtException {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                if (batch.tokens()) {
                    long[] ids = new long[batch.values().length];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = (long) batch.values()[i];
                    }
                    inputs.put(OnnxExport.TOKENS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids),
                            new long[] {STEPS, LENGTHS.length}));
                } else {
                    inputs.put(OnnxExport.INPUT, OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.values()),
                            new long[] {STEPS, LENGTHS.length, FEATURES}));
                }
                inputs.put(OnnxExport.LENGTHS, OnnxTensor.createTensor(env, IntBuffer.wrap(LENGTHS),
                        new long[] {LENGTHS.length}));
                try (OrtSession.Result result = session.run(inputs)) {
                    OnnxTensor out = (OnnxTensor) result.get(OnnxExport.OUTPUT).orElseThrow();
                    FloatBuffer buffer = out.getFloatBuffer();
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    return new Output(out.getInfo().getShape(), values);
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }
}
