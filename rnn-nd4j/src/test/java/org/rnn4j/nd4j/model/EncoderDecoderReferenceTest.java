package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.io.SafeTensors;
import org.rnn4j.nd4j.layer.Attention;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;

/**
 * The whole encoder-decoder against the same model written in plain PyTorch 1.13 from the equations of
 * docs/seq2seq.md ({@code tools/pytorch/make_encoder_decoder_reference.py}): packed bidirectional encoder, tanh
 * bridge, input feeding, masked attention, the output layer and the cross-entropy over the valid target steps. The
 * teacher-forced loss and every parameter's gradient agree to 1e-10 in float64 (a GRU decoder with general attention,
 * an LSTM decoder with additive attention).
 */
class EncoderDecoderReferenceTest {
    static final double TOLERANCE = 1e-10;
    static final int BOS = 1;

    @ParameterizedTest
    @ValueSource(strings = {"gru-general", "lstm-additive"})
    void lossAndEveryGradientEqualPyTorchs(String name) throws Exception {
        Map<String, INDArray> ref = SafeTensors.read(Path.of(EncoderDecoderReferenceTest.class
                .getResource("/pytorch-encoder-decoder/" + name + ".safetensors").toURI())).tensors();
        boolean gru = name.startsWith("gru");
        int keys = 8;
        EncoderDecoder model = new EncoderDecoder(new EncoderDecoder.Config(new Embedding(9, 3, 0),
                StackedRnn.builder(gru ? Gru.builder(3, 4).build() : Lstm.builder(3, 4).build()).bidirectional(true)
                        .build(), new Embedding(7, 3, 0),
                gru ? Gru.builder(3 + keys, 5).build() : Lstm.builder(3 + keys, 5).build(),
                gru ? Attention.general(5, keys) : Attention.additive(5, keys, 4), DataType.DOUBLE, 1));
        for (String parameter : model.parameters().names()) {
            INDArray value = ref.get("param." + parameter);
            assertTrue(value != null, "the reference lacks " + parameter);
            model.parameters().get(parameter).assign(value);
        }
        double loss = model.computeGradients(ref.get("source"), ref.get("source_lengths").toIntVector(),
                ref.get("target"), ref.get("target_lengths").toIntVector(), BOS);
        assertEquals(ref.get("loss").getDouble(0), loss, TOLERANCE, name + " loss");
        for (String parameter : model.parameters().names()) {
            INDArray expected = ref.get("grad." + parameter);
            double diff = model.gradients().get(parameter).sub(expected).amaxNumber().doubleValue();
            double scale = Math.max(1, expected.amaxNumber().doubleValue());
            assertTrue(diff <= TOLERANCE * scale, name + ": gradient of " + parameter + " differs from PyTorch's by "
                    + diff);
        }
    }
}
