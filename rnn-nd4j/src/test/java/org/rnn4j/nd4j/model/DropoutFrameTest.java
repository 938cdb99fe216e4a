package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.DropoutFrame;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;

/**
 * A batch split into shares, each computed with its dropout frame, gives the whole batch's loss and gradients
 * (weighted by the shares' sizes): the masks follow the examples, not their row in whichever batch computes them.
 */
class DropoutFrameTest {
    static final int[] LENGTHS = {5, 2, 4, 1, 3};

    static SequenceModel model() {
        return SequenceModel.builder().embedding(new Embedding(9, 4, 0))
                .recurrent(StackedRnn.builder(Gru.builder(4, 6).build()).layers(2).bidirectional(true)
                        .dropout(0.4).seed(3).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP).headDropout(0.3)
                .head(Dense.builder(12, 1).build()).dataType(DataType.DOUBLE).seed(5).build();
    }

    static INDArray ids() {
        return Nd4j.createFromArray(new double[][] {{1, 2, 3, 4, 5}, {6, 7, 8, 1, 2}, {3, 4, 5, 6, 7},
            {8, 1, 2, 3, 4}, {5, 6, 7, 8, 1}}).transpose().dup('c'); // [T=5, B=5]
    }

    static INDArray targets() {
        return Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {1}, {0}});
    }

    /** The share of the batch at {@code rows}: its ids padded to its own longest sequence. */
    static double share(SequenceModel m, int[] rows, INDArray gradientSum, boolean framed) {
        int steps = 0;
        int[] lengths = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            lengths[i] = LENGTHS[rows[i]];
            steps = Math.max(steps, lengths[i]);
        }
        long[] cols = java.util.Arrays.stream(rows).asLongStream().toArray();
        INDArray input = ids().get(NDArrayIndex.interval(0, steps), NDArrayIndex.indices(cols)).dup('c');
        INDArray t = targets().get(NDArrayIndex.indices(cols), NDArrayIndex.all()).dup('c');
        m.setTrainingPasses(7);
        double loss = framed
                ? m.computeGradients(input, lengths, t, new BinaryCrossEntropyWithLogits(), new DropoutFrame(5, 5, rows))
                : m.computeGradients(input, lengths, t, new BinaryCrossEntropyWithLogits());
        gradientSum.addi(m.gradients().flat().mul(rows.length));
        return loss * rows.length;
    }

    @Test
    void sharesWithTheirFramesAddUpToTheWholeBatch() {
        SequenceModel whole = model();
        whole.setTrainingPasses(7);
        double loss = whole.computeGradients(ids(), LENGTHS, targets(), new BinaryCrossEntropyWithLogits());
        INDArray expected = whole.gradients().flat().dup();

        for (boolean framed : new boolean[] {true, false}) {
            SequenceModel m = model();
            INDArray sum = expected.like().assign(0);
            double lossSum = share(m, new int[] {3, 0}, sum, framed) + share(m, new int[] {4, 1, 2}, sum, framed);
            double diff = sum.div(5).sub(expected).amaxNumber().doubleValue();
            if (framed) {
                assertEquals(loss, lossSum / 5, 1e-12);
                assertTrue(diff < 1e-12, "framed shares differ from the whole batch by " + diff);
            } else {
                assertTrue(diff > 1e-3, "without frames the masks follow the rows, so the shares differ: " + diff);
            }
        }
    }

    @Test
    void aFrameThatDoesNotFitThePassIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model().computeGradients(
                ids(), LENGTHS, targets(), new BinaryCrossEntropyWithLogits(), new DropoutFrame(5, 8, new int[] {0, 1})));
        assertTrue(e.getMessage().contains("dropout frame has 2 rows"), e.getMessage());
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> new DropoutFrame(5, 4, new int[] {1, 1}));
        assertTrue(rows.getMessage().contains("rows[1] must be a distinct row in [0, 4) but is 1"), rows.getMessage());
    }
}
