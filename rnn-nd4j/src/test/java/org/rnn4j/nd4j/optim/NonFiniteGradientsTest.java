package org.rnn4j.nd4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.SequenceModel;

/**
 * NaN or infinite gradients under each {@link FlatOptimizer.NonFiniteGradients} policy, for every built-in optimizer:
 * refused naming the parameter, skipped, or taken as zero; in the first two cases nothing changes.
 */
class NonFiniteGradientsTest {
    static final Supplier<?>[] OPTIMIZERS = {() -> new Sgd(0.1, 0.9, 0, false, 0), () -> new Adam(0.01),
        () -> new RmsProp(0.01), () -> new Adagrad(0.1)};

    /** A model with gradients from one pass, and an optimizer that has taken one ordinary step. */
    private record Setup(SequenceModel model, FlatOptimizer optimizer) {
        static Setup of(FlatOptimizer optimizer) {
            SequenceModel m = SequenceModel.builder().recurrent(Gru.builder(2, 3).build())
                    .outputMode(SequenceModel.OutputMode.LAST_STEP).seed(4).build();
            optimizer.initialise(m.parameters());
            Nd4j.getRandom().setSeed(8);
            m.computeGradients(Nd4j.rand(DataType.FLOAT, 4, 2, 2), Nd4j.rand(DataType.FLOAT, 2, 3),
                    new MeanSquaredError());
            optimizer.step(m.parameters(), m.gradients());
            return new Setup(m, optimizer);
        }

        /** Gradients whose 'rnn.weight_hh' holds a NaN and an infinity. */
        Parameters poisoned() {
            Parameters g = model.gradients().copy();
            g.get("rnn.weight_hh").putScalar(0, Double.NaN);
            g.get("rnn.weight_hh").putScalar(1, Double.POSITIVE_INFINITY);
            return g;
        }
    }

    @Test
    void refusedByDefaultNamingTheParameterAndChangingNothing() {
        for (Supplier<?> make : OPTIMIZERS) {
            Setup s = Setup.of((FlatOptimizer) make.get());
            assertEquals(FlatOptimizer.NonFiniteGradients.REFUSE, s.optimizer().nonFiniteGradients());
            INDArray before = s.model().parameters().flat().dup();
            Map<String, INDArray> state = s.optimizer().state();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.optimizer().step(s.model().parameters(), s.poisoned()));
            assertTrue(e.getMessage().contains("'rnn.weight_hh'"), e.getMessage());
            assertEquals(before, s.model().parameters().flat(), s.optimizer().kind());
            assertEquals(state, s.optimizer().state(), s.optimizer().kind());
            assertEquals(1, s.optimizer().steps());
        }
    }

    @Test
    void skippedStepsChangeNothingAndAreCounted() {
        for (Supplier<?> make : OPTIMIZERS) {
            Setup s = Setup.of(((FlatOptimizer) make.get()).nonFiniteGradients(
                    FlatOptimizer.NonFiniteGradients.SKIP_STEP));
            INDArray before = s.model().parameters().flat().dup();
            Map<String, INDArray> state = s.optimizer().state();
            s.optimizer().step(s.model().parameters(), s.poisoned());
            assertEquals(before, s.model().parameters().flat(), s.optimizer().kind());
            assertEquals(state, s.optimizer().state(), s.optimizer().kind());
            assertEquals(1, s.optimizer().steps());
            assertEquals(1, s.optimizer().skippedSteps());
            s.optimizer().step(s.model().parameters(), s.model().gradients()); // finite: an ordinary step
            assertEquals(2, s.optimizer().steps());
            assertNotEquals(before, s.model().parameters().flat());
        }
    }

    @Test
    void zeroTakesEachNonFiniteValueAsZeroAndLeavesTheCallersGradients() {
        for (Supplier<?> make : OPTIMIZERS) {
            Setup zeroing = Setup.of(((FlatOptimizer) make.get()).nonFiniteGradients(
                    FlatOptimizer.NonFiniteGradients.ZERO));
            Setup twin = Setup.of((FlatOptimizer) make.get());
            Parameters poisoned = zeroing.poisoned();
            zeroing.optimizer().step(zeroing.model().parameters(), poisoned);
            Parameters zeroed = twin.poisoned();
            zeroed.get("rnn.weight_hh").putScalar(0, 0);
            zeroed.get("rnn.weight_hh").putScalar(1, 0);
            twin.optimizer().step(twin.model().parameters(), zeroed);
            assertEquals(twin.model().parameters().flat(), zeroing.model().parameters().flat(),
                    zeroing.optimizer().kind());
            assertTrue(Double.isNaN(poisoned.get("rnn.weight_hh").getDouble(0)), "the caller's gradients");
        }
    }

    @Test
    void gradientsOfAnotherDataTypeAreRefusedNamingBoth() {
        Setup s = Setup.of(new Adam(0.01));
        Parameters doubles = Parameters.zeros(s.model().parameters().layout(), DataType.DOUBLE);
        INDArray before = s.model().parameters().flat().dup();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.optimizer().step(s.model().parameters(), doubles));
        assertTrue(e.getMessage().contains("FLOAT") && e.getMessage().contains("DOUBLE"), e.getMessage());
        assertEquals(before, s.model().parameters().flat());
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.01).nonFiniteGradients(null));
    }
}
