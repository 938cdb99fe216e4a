package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Loss;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.testkit.GradientCheck;

class HeadDropoutTest {
    private static final INDArray INPUT = Nd4j.rand(DataType.DOUBLE, 5, 3, 2).subi(0.5);
    private static final INDArray TARGETS = Nd4j.rand(DataType.DOUBLE, 3, 1);
    private static final int[] LENGTHS = {5, 3, 4};

    private static SequenceModel model(double headDropout, double stackDropout) {
        return SequenceModel.builder()
                .recurrent(StackedRnn.builder(Lstm.builder(2, 6).build()).layers(2).dropout(stackDropout).seed(3)
                        .build())
                .head(Dense.builder(6, 1).build()).headDropout(headDropout)
                .outputMode(SequenceModel.OutputMode.LAST_STEP).dataType(DataType.DOUBLE).seed(5).build();
    }

    @Test
    void dropoutChangesTrainingButNotInference() {
        SequenceModel plain = model(0, 0);
        SequenceModel dropped = model(0.5, 0);
        assertEquals(plain.predict(INPUT, LENGTHS), dropped.predict(INPUT, LENGTHS), "inference has no dropout");
        Loss loss = new MeanSquaredError();
        double a = plain.computeGradients(INPUT, LENGTHS, TARGETS, loss);
        double b = dropped.computeGradients(INPUT, LENGTHS, TARGETS, loss);
        assertNotEquals(a, b, "the training pass drops features");
        assertNotEquals(plain.gradients().flat(), dropped.gradients().flat());
    }

    @Test
    void masksAreAFunctionOfThePassIndex() {
        SequenceModel m = model(0.5, 0.3);
        Loss loss = new MeanSquaredError();
        double first = m.computeGradients(INPUT, LENGTHS, TARGETS, loss);
        double second = m.computeGradients(INPUT, LENGTHS, TARGETS, loss);
        assertNotEquals(first, second, "a new pass draws new masks");
        assertEquals(2, m.trainingPasses());
        m.setTrainingPasses(0);
        assertEquals(first, m.computeGradients(INPUT, LENGTHS, TARGETS, loss), "pass 0 again: the same masks");
        SequenceModel twin = model(0.5, 0.3);
        twin.setTrainingPasses(1);
        assertEquals(second, twin.computeGradients(INPUT, LENGTHS, TARGETS, loss), "pass 1 on a fresh model");
    }

    @Test
    void gradientsWithDropoutMatchFiniteDifferences() {
        SequenceModel m = model(0.4, 0.3);
        Loss loss = new MeanSquaredError();
        m.setTrainingPasses(7);
        m.computeGradients(INPUT, LENGTHS, TARGETS, loss);
        INDArray analytic = m.gradients().flat().dup();
        GradientCheck.assertNonTrivial("dropout model", analytic);
        GradientCheck.check("dropout model", m.parameters().flat(), analytic, () -> {
            m.setTrainingPasses(7);
            return m.computeGradients(INPUT, LENGTHS, TARGETS, loss);
        }, GradientCheck.sample(m.parameters().layout(), 6));
    }

    @Test
    void rejectsProbabilitiesOutsideTheUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> model(1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> model(-0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> model(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> model(0, 0).setTrainingPasses(-1));
    }
}
