package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.layer.Attention;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.testkit.GradientCheck;

/**
 * The encoder-decoder's teacher-forced loss: every parameter's gradient equal to central finite differences in
 * float64 on padded source and target batches (GRU and LSTM decoders, additive and general attention, a one- and a
 * two-layer bidirectional encoder), and target padding that cannot change the loss.
 */
class EncoderDecoderTest {
    static final int BOS = 1;
    static final int[] SOURCE_LENGTHS = {4, 2, 3};
    static final int[] TARGET_LENGTHS = {3, 1, 2};

    static EncoderDecoder model(boolean lstm, Attention.Score score, int layers) {
        int keys = 2 * 4;
        RecurrentCellSpec decoder = lstm ? Lstm.builder(3 + keys, 5).build() : Gru.builder(3 + keys, 5).build();
        Attention attention = score == Attention.Score.ADDITIVE ? Attention.additive(5, keys, 4)
                : Attention.general(5, keys);
        return new EncoderDecoder(new EncoderDecoder.Config(new Embedding(7, 3, 0),
                StackedRnn.builder(Gru.builder(3, 4).build()).layers(layers).bidirectional(true).build(),
                new Embedding(6, 3, 0), decoder, attention, DataType.DOUBLE, 11));
    }

    static INDArray source() {
        return Nd4j.createFromArray(new double[][] {{2, 3, 4}, {5, 6, 1}, {3, 0, 2}, {4, 0, 0}});
    }

    static INDArray target() {
        return Nd4j.createFromArray(new double[][] {{2, 3, 4}, {5, 0, 2}, {3, 0, 0}});
    }

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of(false, Attention.Score.GENERAL, 1), Arguments.of(true, Attention.Score.ADDITIVE,
                1), Arguments.of(false, Attention.Score.ADDITIVE, 2));
    }

    @Test
    void eachCallOverwritesTheGradientsLikeAModel() {
        EncoderDecoder m = model(false, Attention.Score.GENERAL, 1);
        m.computeGradients(source(), SOURCE_LENGTHS, target(), TARGET_LENGTHS, BOS);
        INDArray first = m.gradients().flat().dup();
        m.computeGradients(source(), SOURCE_LENGTHS, target(), TARGET_LENGTHS, BOS);
        assertEquals(first, m.gradients().flat(), "the second call's gradients, not the sum of two");
    }

    @ParameterizedTest(name = "lstm={0} {1} layers={2}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(boolean lstm, Attention.Score score, int layers) {
        EncoderDecoder m = model(lstm, score, layers);
        double loss = m.computeGradients(source(), SOURCE_LENGTHS, target(), TARGET_LENGTHS, BOS);
        assertEquals(m.loss(source(), SOURCE_LENGTHS, target(), TARGET_LENGTHS, BOS), loss, 1e-12);
        GradientCheck.assertNonTrivial("parameters", m.gradients().flat());
        for (String part : new String[] {"source_embedding.weight", "encoder.l0.weight_ih", "decoder.weight_hh",
            "attention." + (score == Attention.Score.ADDITIVE ? "v" : "weight"), "bridge.weight", "output.weight",
            "target_embedding.weight"}) {
            GradientCheck.assertNonTrivial(part, m.gradients().get(part));
        }
        GradientCheck.check("encoder-decoder", m.parameters().flat(), m.gradients().flat(),
                () -> m.loss(source(), SOURCE_LENGTHS, target(), TARGET_LENGTHS, BOS),
                GradientCheck.sample(m.config().layout(), 4));
    }

    @Test
    void targetPaddingCountsForNothingAndTheMaskMatters() {
        EncoderDecoder m = model(false, Attention.Score.GENERAL, 1);
        double loss = m.loss(source(), SOURCE_LENGTHS, target(), TARGET_LENGTHS, BOS);
        INDArray otherPadding = target().dup();
        otherPadding.putScalar(1, 1, 5);
        otherPadding.putScalar(2, 1, 4);
        otherPadding.putScalar(2, 2, 3);
        assertEquals(loss, m.loss(source(), SOURCE_LENGTHS, otherPadding, TARGET_LENGTHS, BOS), 1e-12);
        assertNotEquals(loss, m.loss(source(), SOURCE_LENGTHS, otherPadding, new int[] {3, 3, 3}, BOS));
        INDArray sourcePadding = source().dup();
        sourcePadding.putScalar(3, 1, 6);
        assertEquals(loss, m.loss(sourcePadding, SOURCE_LENGTHS, target(), TARGET_LENGTHS, BOS), 1e-12);
        assertNotEquals(loss, m.loss(sourcePadding, new int[] {4, 4, 3}, target(), TARGET_LENGTHS, BOS));
    }

    @Test
    void badArgumentsAreNamedBeforeAnyGradientChanges() {
        EncoderDecoder m = model(true, Attention.Score.GENERAL, 1);
        INDArray before = m.gradients().flat().dup();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.computeGradients(source(),
                SOURCE_LENGTHS, target().add(6), TARGET_LENGTHS, BOS));
        assertTrue(e.getMessage().contains("token"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.computeGradients(source(), SOURCE_LENGTHS, target(),
                new int[] {3, 0, 2}, BOS));
        assertThrows(IllegalArgumentException.class, () -> m.computeGradients(source(), SOURCE_LENGTHS, target(),
                TARGET_LENGTHS, 6));
        assertEquals(before, m.gradients().flat());
        assertThrows(IllegalArgumentException.class, () -> new EncoderDecoder.Config(new Embedding(7, 3, 0),
                StackedRnn.builder(Gru.builder(3, 4).build()).build(), new Embedding(6, 3, 0),
                Gru.builder(3 + 8, 5).build(), Attention.general(5, 8), DataType.DOUBLE, 1));
    }
}
