package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Loss;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.loss.SoftmaxCrossEntropy;
import org.rnn4j.testkit.GradientCheck;

/** Token ids → embedding → GRU → last valid step → dense, as a text classifier is built. */
class EmbeddingModelTest {
    private static SequenceModel classifier() {
        return SequenceModel.builder()
                .embedding(new Embedding(7, 3, 0))
                .recurrent(Gru.builder(3, 4).build())
                .head(Dense.builder(4, 2).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP)
                .dataType(DataType.DOUBLE).seed(9).build();
    }

    private static final INDArray IDS = Nd4j.createFromArray(new double[][] {{3, 5, 1}, {6, 2, 4}, {1, 0, 0},
        {2, 0, 0}}); // [T=4, B=3]; 0 pads
    private static final int[] LENGTHS = {4, 2, 2};

    @Test
    void gradientsReachTheEmbeddingRowsAndSkipPadding() {
        SequenceModel m = classifier();
        INDArray labels = Nd4j.createFromArray(1.0, 0.0, 1.0);
        Loss loss = new SoftmaxCrossEntropy();
        m.computeGradients(IDS, LENGTHS, labels, loss);
        INDArray analytic = m.gradients().flat().dup();
        INDArray embeddingGradient = m.gradients().get("embedding.weight");
        assertEquals(0.0, embeddingGradient.getRow(0).amaxNumber().doubleValue(), "padding row gets no gradient");
        assertTrue(embeddingGradient.getRow(3).amaxNumber().doubleValue() > 0, "a used token's row does");
        assertEquals(0.0, m.parameters().get("embedding.weight").getRow(0).amaxNumber().doubleValue(),
                "padding row starts at zero");
        GradientCheck.check("classifier", m.parameters().flat(), analytic,
                () -> loss.compute(m.predict(IDS, LENGTHS), labels).loss());
    }

    @Test
    void forwardLooksUpTheRows() {
        SequenceModel m = classifier();
        INDArray vectors = m.embedding().forward(IDS);
        assertArrayEquals(new long[] {4, 3, 3}, vectors.shape());
        assertTrue(vectors.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                org.nd4j.linalg.indexing.NDArrayIndex.point(2), org.nd4j.linalg.indexing.NDArrayIndex.all())
                .equals(m.parameters().get("embedding.weight").getRow(4)));
    }

    @Test
    void badIdsAreNamed() {
        SequenceModel m = classifier();
        INDArray bad = IDS.dup();
        bad.putScalar(2, 1, 7);
        assertEquals("input[2, 1] must be a token id in [0, 6] but is 7.0 (map unknown tokens to an out-of-vocabulary "
                + "id first)", assertThrows(IllegalArgumentException.class, () -> m.predict(bad)).getMessage());
        bad.putScalar(2, 1, 1.5);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.predict(bad)).getMessage()
                .contains("but is 1.5"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> m.predict(Nd4j.zeros(DataType.DOUBLE, 2, 3, 1))).getMessage()
                .contains("[time, batch] of token ids"));
        assertEquals("paddingId must be in [0, 6] or -1 but is 7", assertThrows(IllegalArgumentException.class,
                () -> new Embedding(7, 3, 7)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SequenceModel.builder()
                .embedding(new Embedding(7, 5, -1)).recurrent(Gru.builder(3, 4).build()).build()).getMessage()
                .contains("embedding must have dimension 3"));
    }
}
