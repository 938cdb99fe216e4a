package org.rnn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.nd4j.io.SafeTensors;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.model.SequenceModel.OutputMode;
import org.rnn4j.onnx.OnnxRuntimeEqualityTest.Batch;
import org.rnn4j.onnx.OnnxRuntimeEqualityTest.Case;

/**
 * ONNX files made by {@code torch.onnx.export} from PyTorch 1.13 ({@code tools/pytorch/make_model_reference.py})
 * load into models that give PyTorch's outputs to 1e-5; every exported rnn4j model loads back into the same model;
 * what rnn4j cannot express is an error naming the operator and the node.
 */
class OnnxImportTest {
    static final double TOLERANCE = 1e-5;

    static Path resource(String name) throws Exception {
        return Path.of(OnnxImportTest.class.getResource("/onnx/" + name).toURI());
    }

    record Reference(String name, String input, OutputMode mode, int layers, boolean bidirectional,
                     boolean embedding, boolean softmax, boolean batchFirst) {
    }

    static List<Reference> references() {
        return List.of(
                new Reference("lstm_classifier", "tokens", OutputMode.FINAL_HIDDEN, 2, true, true, false, false),
                new Reference("gru_classifier", "tokens", OutputMode.FINAL_HIDDEN, 1, false, true, false, false),
                new Reference("gru_last_step", "input", OutputMode.LAST_STEP, 1, false, false, false, false),
                new Reference("rnn_every_step", "input", OutputMode.ALL_STEPS, 2, true, false, true, false),
                new Reference("lstm_batch_first", "tokens", OutputMode.LAST_STEP, 1, false, true, false, true),
                new Reference("gru_batch_first_every_step", "input", OutputMode.ALL_STEPS, 1, false, false, false,
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void pyTorchsOnnxFilesGivePyTorchsOutputs(Reference r) throws Exception {
        OnnxImport.Imported imported = OnnxImport.read(resource(r.name() + ".onnx"));
        SequenceModel model = imported.model();
        SequenceModel.Config config = model.config();
        assertEquals(r.mode(), config.outputMode());
        StackedRnn stack = (StackedRnn) config.recurrent();
        assertEquals(r.layers(), stack.layers());
        assertEquals(r.bidirectional(), stack.bidirectional());
        assertEquals(r.embedding(), config.embedding() != null);
        assertEquals(r.softmax(), imported.softmax());
        assertEquals(r.batchFirst(), imported.batchFirst());

        SafeTensors.Contents ref = SafeTensors.read(resource(r.name() + ".reference.safetensors"));
        INDArray input = ref.tensors().get(r.input()).castTo(DataType.FLOAT);
        if (r.batchFirst()) { // the file's [batch, time, ...] as rnn4j's [time, batch, ...]
            input = (input.rank() == 2 ? input.permute(1, 0) : input.permute(1, 0, 2)).dup('c');
        }
        int[] lengths = new int[Math.toIntExact(input.size(1))];
        java.util.Arrays.fill(lengths, Math.toIntExact(input.size(0)));
        INDArray output = model.predict(input, lengths);
        if (imported.softmax()) {
            output = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax(output, output.rank() - 1))[0];
        }
        if (r.batchFirst() && output.rank() == 3) {
            output = output.permute(1, 0, 2).dup('c');
        }
        INDArray expected = ref.tensors().get("output").castTo(DataType.FLOAT);
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(output.shape()));
        double worst = Transforms.abs(expected.sub(output)).maxNumber().doubleValue();
        assertTrue(worst < TOLERANCE, r.name() + ": rnn4j differs from PyTorch by " + worst);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.rnn4j.onnx.OnnxRuntimeEqualityTest#cases")
    void everyExportedModelLoadsBackIntoTheSameModel(Case c) throws Exception {
        SequenceModel original = c.model();
        OnnxImport.Imported imported = OnnxImport.read(OnnxExport.toBytes(original), c.name());
        SequenceModel copy = imported.model();
        assertFalse(imported.softmax());
        assertEquals(original.config().outputMode(), copy.config().outputMode());
        assertEquals(original.config().head() == null, copy.config().head() == null);
        if (original.config().head() != null) {
            assertEquals(original.config().head(), copy.config().head());
        }
        Batch batch = Batch.random(c.embedding(), 5);
        INDArray expected = original.predict(batch.rnn4jInput(), OnnxRuntimeEqualityTest.LENGTHS);
        INDArray actual = copy.predict(batch.rnn4jInput(), OnnxRuntimeEqualityTest.LENGTHS);
        double worst = Transforms.abs(expected.sub(actual)).maxNumber().doubleValue();
        assertTrue(worst < 1e-6, c.name() + ": the imported model differs by " + worst);
    }

    /**
     * A graph no exporter here writes, {@code Gemm(Squeeze(Slice(Squeeze(GRU(x).Y), -1:), 0))}, as ONNX Runtime
     * runs it: the last step taken by {@code Slice} rather than {@code Gather}.
     */
    @Test
    void aLastStepTakenBySliceEqualsOnnxRuntime() throws Exception {
        SplittableRandom random = new SplittableRandom(31);
        GraphWriter g = new GraphWriter("slice");
        g.input(GraphWriter.value("input", Onnx.TensorProto.DataType.FLOAT, "time", "batch", 3L));
        String[] gru = g.nodeOutputs("GRU", List.of("input", g.floats("W", uniform(random, 1, 12, 3)),
                g.floats("R", uniform(random, 1, 12, 4)), g.floats("B", uniform(random, 1, 24))), 2,
                GraphWriter.Attribute.of("hidden_size", 4), GraphWriter.Attribute.of("linear_before_reset", 1));
        String steps = g.node("Squeeze", List.of(gru[0], g.longs("axes", false, 1)), 1);
        String last = g.node("Slice", List.of(steps, g.longs("starts", false, -1), g.longs("ends", false,
                Long.MAX_VALUE), g.longs("axes", false, 0)), 1);
        String features = g.node("Squeeze", List.of(last, g.longs("axes", false, 0)), 1);
        g.node("Gemm", List.of(features, g.floats("fc.weight", uniform(random, 2, 4)), g.floats("fc.bias",
                uniform(random, 2))), 1, GraphWriter.Attribute.of("transB", 1));
        g.nameLastOutput("output");
        g.output(GraphWriter.value("output", Onnx.TensorProto.DataType.FLOAT, "batch", 2L));
        byte[] bytes = Onnx.ModelProto.newBuilder().setIrVersion(OnnxExport.IR_VERSION).addOpsetImport(
                Onnx.OperatorSetIdProto.newBuilder().setVersion(OnnxExport.OPSET)).setGraph(g.build()).build()
                .toByteArray();

        SequenceModel model = OnnxImport.read(bytes, "slice.onnx").model();
        assertEquals(OutputMode.LAST_STEP, model.config().outputMode());
        float[] x = new float[7 * 4 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        float[][] expected;
        try (ai.onnxruntime.OrtSession session = env.createSession(bytes);
             ai.onnxruntime.OnnxTensor input = ai.onnxruntime.OnnxTensor.createTensor(env,
                     java.nio.FloatBuffer.wrap(x), new long[] {7, 4, 3});
             ai.onnxruntime.OrtSession.Result result = session.run(java.util.Map.of("input", input))) {
            expected = (float[][]) result.get(0).getValue();
        }
        INDArray actual = model.predict(Nd4j.create(x, new long[] {7, 4, 3}, 'c'), new int[] {7, 7, 7, 7});
        double worst = Transforms.abs(Nd4j.create(expected).sub(actual)).maxNumber().doubleValue();
        assertTrue(worst < TOLERANCE, "rnn4j differs from ONNX Runtime by " + worst);
    }

    private static INDArray uniform(SplittableRandom random, long... shape) {
        long n = java.util.Arrays.stream(shape).reduce(1, (p, q) -> p * q);
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(-0.5, 0.5);
        }
        return Nd4j.create(v, shape, 'c');
    }

    @Test
    void anUnsupportedOperatorIsNamedWithItsNode() throws Exception {
        Onnx.ModelProto exported = exportedGru();
        Onnx.GraphProto.Builder graph = exported.getGraph().toBuilder();
        int last = graph.getNodeCount() - 1;
        graph.setNode(last, graph.getNode(last).toBuilder().setOutput(0, "before_abs"));
        graph.addNode(Onnx.NodeProto.newBuilder().setOpType("Abs").setName("my_abs").addInput("before_abs")
                .addOutput(OnnxExport.OUTPUT));
        byte[] bytes = exported.toBuilder().setGraph(graph).build().toByteArray();
        IOException e = assertThrows(IOException.class, () -> OnnxImport.read(bytes, "abs.onnx"));
        assertTrue(e.getMessage().contains("node 'my_abs' (Abs)") && e.getMessage().contains("operator 'Abs'"),
                e.getMessage());
    }

    @Test
    void aGruWithoutPyTorchsResetPlacementIsRefusedNamingTheAttribute() throws Exception {
        Onnx.ModelProto exported = exportedGru();
        Onnx.GraphProto.Builder graph = exported.getGraph().toBuilder();
        for (int k = 0; k < graph.getNodeCount(); k++) {
            Onnx.NodeProto n = graph.getNode(k);
            if (n.getOpType().equals("GRU")) {
                Onnx.NodeProto.Builder changed = n.toBuilder().clearAttribute();
                n.getAttributeList().stream().filter(a -> !a.getName().equals("linear_before_reset"))
                        .forEach(changed::addAttribute);
                graph.setNode(k, changed);
            }
        }
        byte[] bytes = exported.toBuilder().setGraph(graph).build().toByteArray();
        IOException e = assertThrows(IOException.class, () -> OnnxImport.read(bytes, "gru.onnx"));
        assertTrue(e.getMessage().contains("(GRU)") && e.getMessage().contains("linear_before_reset"),
                e.getMessage());
    }

    /** An exported one-layer GRU over vectors, LAST_STEP, no head: a graph to tamper with. */
    private static Onnx.ModelProto exportedGru() throws IOException {
        return Onnx.ModelProto.parseFrom(OnnxExport.toBytes(new Case("gru", OnnxRuntimeEqualityTest.Cell.GRU, 1,
                false, StackedRnn.Merge.CONCAT, false, false, OutputMode.LAST_STEP, null, true).model()));
    }

    @Test
    void bytesThatAreNotOnnxAreRefused() {
        byte[] junk = new byte[64];
        new java.util.Random(1).nextBytes(junk);
        IOException e = assertThrows(IOException.class, () -> OnnxImport.read(junk, "junk.onnx"));
        assertTrue(e.getMessage().startsWith("junk.onnx"), e.getMessage());
    }

    @Test
    void theDocumentedOperatorListIsTheReadersOwn() {
        assertEquals("[Add, Cast, Concat, Constant, ConstantOfShape, Dropout, Equal, GRU, Gather, Gemm, Identity, "
                + "LSTM, Less, MatMul, Mul, RNN, Range, ReduceSum, Relu, Reshape, Shape, Sigmoid, Slice, Softmax, "
                + "Squeeze, Sub, Tanh, Transpose, Unsqueeze]", OnnxImport.OPERATORS.toString());
    }
}
