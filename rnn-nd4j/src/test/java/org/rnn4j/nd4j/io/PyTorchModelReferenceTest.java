package org.rnn4j.nd4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;

/**
 * Whole PyTorch modules ({@code tools/pytorch/make_model_reference.py}: an embedding, a recurrent stack, the top
 * layer's final hidden states, a linear head), their {@code state_dict} loaded into the matching
 * {@link SequenceModel}: the same outputs as PyTorch on a padded batch of variable lengths (PyTorch packed it).
 */
class PyTorchModelReferenceTest {
    static final double TOLERANCE = 1e-5;

    static Path resource(String name) throws Exception {
        return Path.of(PyTorchModelReferenceTest.class.getResource("/pytorch-models/" + name).toURI());
    }

    /** {@code TokenClassifier("LSTM", 2, True)}: nn.Embedding(20, 5), 2-layer bidirectional nn.LSTM(5, 6), fc. */
    static SequenceModel lstmClassifier() {
        return SequenceModel.builder().embedding(new Embedding(20, 5, 0))
                .recurrent(StackedRnn.builder(Lstm.builder(5, 6).build()).layers(2).bidirectional(true).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).head(Dense.builder(12, 3).build()).build();
    }

    /** {@code TokenClassifier("GRU", 1, False)}, its recurrent attribute named {@code rnn}. */
    static SequenceModel gruClassifier() {
        return SequenceModel.builder().embedding(new Embedding(20, 5, 0))
                .recurrent(StackedRnn.builder(Gru.builder(5, 6).build()).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).head(Dense.builder(6, 3).build()).build();
    }

    static final PyTorchModel.Names NAMES = new PyTorchModel.Names("embedding", "rnn", "fc");

    @Test
    void bidirectionalTwoLayerLstmClassifierGivesPyTorchsOutputs() throws Exception {
        assertGivesPyTorchsOutputs("lstm_classifier", lstmClassifier());
    }

    @Test
    void gruClassifierGivesPyTorchsOutputs() throws Exception {
        assertGivesPyTorchsOutputs("gru_classifier", gruClassifier());
    }

    private static void assertGivesPyTorchsOutputs(String name, SequenceModel model) throws Exception {
        PyTorchModel.load(resource(name + ".weights.safetensors"), model, NAMES);
        SafeTensors.Contents ref = SafeTensors.read(resource(name + ".reference.safetensors"));
        int[] lengths = ref.tensors().get("lengths").toIntVector();
        INDArray output = model.predict(ref.tensors().get("tokens").castTo(DataType.FLOAT), lengths);
        INDArray expected = ref.tensors().get("output");
        assertArrayEquals(expected.shape(), output.shape());
        double worst = expected.castTo(DataType.DOUBLE).sub(output.castTo(DataType.DOUBLE)).amaxNumber()
                .doubleValue();
        assertTrue(worst < TOLERANCE, name + ": rnn4j differs from PyTorch by " + worst);
    }

    @Test
    void saveWritesPyTorchsNamesAndLoadsBackExactly(@TempDir Path dir) throws Exception {
        SequenceModel trained = lstmClassifier();
        PyTorchModel.load(resource("lstm_classifier.weights.safetensors"), trained, NAMES);
        Path file = dir.resolve("state_dict.safetensors");
        PyTorchModel.save(trained, file); // default names: embedding, lstm, fc
        SafeTensors.Contents written = SafeTensors.read(file);
        assertTrue(written.tensors().containsKey("lstm.weight_ih_l1_reverse"), written.tensors().keySet()
                .toString());
        assertTrue(written.tensors().containsKey("fc.bias") && written.tensors().containsKey("embedding.weight"));
        assertEquals(PyTorchModel.FORMAT, written.metadata().get("format"));
        SequenceModel copy = lstmClassifier();
        PyTorchModel.load(file, copy);
        assertEquals(trained.parameters().flat(), copy.parameters().flat());
    }

    @Test
    void aMismatchIsNamedAndChangesNothing() throws Exception {
        SequenceModel model = lstmClassifier();
        INDArray before = model.parameters().flat().dup();
        IOException wrongNames = assertThrows(IOException.class,
                () -> PyTorchModel.load(resource("lstm_classifier.weights.safetensors"), model));
        assertTrue(wrongNames.getMessage().contains("lacks tensor(s)")
                && wrongNames.getMessage().contains("lstm.weight_ih_l0"), wrongNames.getMessage());
        SequenceModel wider = SequenceModel.builder().embedding(new Embedding(20, 5, 0))
                .recurrent(StackedRnn.builder(Lstm.builder(5, 7).build()).layers(2).bidirectional(true).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).head(Dense.builder(14, 3).build()).build();
        IOException shape = assertThrows(IOException.class,
                () -> PyTorchModel.load(resource("lstm_classifier.weights.safetensors"), wider, NAMES));
        assertTrue(shape.getMessage().contains("has shape") && shape.getMessage().contains("the model expects"),
                shape.getMessage());
        assertEquals(before, model.parameters().flat());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> new PyTorchModel.Names("embedding", " ", "fc"));
        assertTrue(blank.getMessage().contains("recurrent"), blank.getMessage());
    }

    @Test
    void defaultNamesFollowTheCellKind() {
        assertEquals(new PyTorchModel.Names("embedding", "lstm", "fc"), PyTorchModel.Names.defaults(lstmClassifier()));
        assertEquals("gru", PyTorchModel.Names.defaults(gruClassifier()).recurrent());
        Map<String, String> names = PyTorchModel.torchNames(gruClassifier(), NAMES);
        assertEquals("rnn.l0.weight_hh", names.get("rnn.weight_hh_l0"));
        assertEquals("head.weight", names.get("fc.weight"));
    }
}
