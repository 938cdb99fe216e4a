package org.rnn4j.nd4j.optim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.SequenceModel;

/** Finite gradients with an update that overflows the data type: the step says so at once, never silently. */
class OverflowingStepTest {
    @Test
    void aStepThatLeavesNonFiniteParametersThrows() {
        for (FlatOptimizer optimizer : new FlatOptimizer[] {new Sgd(1e300, 0.9, 0, false, 0),
            new Adam(1e300), new RmsProp(1e300), new Adagrad(1e300)}) {
            SequenceModel m = SequenceModel.builder().recurrent(Lstm.builder(2, 3).build())
                    .outputMode(SequenceModel.OutputMode.LAST_STEP).seed(1).build();
            optimizer.initialise(m.parameters());
            m.computeGradients(Nd4j.rand(DataType.FLOAT, 4, 2, 2), Nd4j.rand(DataType.FLOAT, 2, 3),
                    new MeanSquaredError());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> optimizer.step(m.parameters(), m.gradients()), optimizer.kind());
            assertTrue(e.getMessage().contains("step 1 made the parameters NaN or infinite although the gradients "
                    + "were finite"), e.getMessage());
        }
        Sgd fine = new Sgd(0.1);
        SequenceModel m = SequenceModel.builder().recurrent(Lstm.builder(2, 3).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP).seed(1).build();
        fine.initialise(m.parameters());
        m.computeGradients(Nd4j.rand(DataType.FLOAT, 4, 2, 2), Nd4j.rand(DataType.FLOAT, 2, 3), new MeanSquaredError());
        fine.step(m.parameters(), m.gradients()); // an ordinary step passes the check
    }
}
