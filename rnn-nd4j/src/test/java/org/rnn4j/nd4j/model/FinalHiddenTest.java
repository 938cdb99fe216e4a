package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Loss;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.testkit.GradientCheck;

/** {@link SequenceModel.OutputMode#FINAL_HIDDEN}: the top layer's final hidden states feed the head. */
class FinalHiddenTest {
    private static final INDArray INPUT = Nd4j.rand(DataType.DOUBLE, 6, 3, 2).subi(0.5);
    private static final INDArray TARGETS = Nd4j.rand(DataType.DOUBLE, 3, 2);
    private static final int[] LENGTHS = {6, 2, 4};

    private static SequenceModel bidirectional(SequenceModel.OutputMode mode, int headInput) {
        return SequenceModel.builder()
                .recurrent(StackedRnn.builder(Lstm.builder(2, 4).build()).layers(2).bidirectional(true).build())
                .head(Dense.builder(headInput, 2).build()).outputMode(mode).dataType(DataType.DOUBLE).seed(3)
                .build();
    }

    @Test
    void featuresAreTheTopLayersFinalHiddenStatesOfBothDirections() {
        SequenceModel m = bidirectional(SequenceModel.OutputMode.FINAL_HIDDEN, 8);
        SequenceModel noHead = SequenceModel.builder().recurrent(m.config().recurrent())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).dataType(DataType.DOUBLE).seed(3).build();
        State last = noHead.advance(INPUT, LENGTHS, null);
        INDArray features = noHead.predict(INPUT, LENGTHS);
        // parts: layer 1 forward h is part (1*2+0)*2 = 4, layer 1 reverse h is part 6
        assertEquals(last.get(4), features.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 4)));
        assertEquals(last.get(6), features.get(NDArrayIndex.all(), NDArrayIndex.interval(4, 8)));
        INDArray lastStep = bidirectional(SequenceModel.OutputMode.LAST_STEP, 8).predict(INPUT, LENGTHS);
        assertNotEquals(lastStep, m.predict(INPUT, LENGTHS), "the reverse direction's final state differs");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (SequenceModel m : new SequenceModel[] {bidirectional(SequenceModel.OutputMode.FINAL_HIDDEN, 8),
            SequenceModel.builder().recurrent(Gru.builder(2, 3).build()).head(Dense.builder(3, 2).build())
                    .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).dataType(DataType.DOUBLE).build()}) {
            Loss loss = new MeanSquaredError();
            m.computeGradients(INPUT, LENGTHS, TARGETS, loss);
            INDArray analytic = m.gradients().flat().dup();
            GradientCheck.assertNonTrivial("final hidden", analytic);
            GradientCheck.check("final hidden", m.parameters().flat(), analytic,
                    () -> loss.compute(m.predict(INPUT, LENGTHS), TARGETS).loss(),
                    GradientCheck.sample(m.parameters().layout(), 6));
        }
    }

    @Test
    void theHeadMustTakeDirectionsTimesHidden() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bidirectional(SequenceModel.OutputMode.FINAL_HIDDEN, 4));
        assertEquals(true, e.getMessage().contains("inputSize 8"), e.getMessage());
    }
}
