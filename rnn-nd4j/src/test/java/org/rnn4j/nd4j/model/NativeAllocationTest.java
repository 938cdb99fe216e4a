package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Loss;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.optim.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the native objects (data buffers and op contexts, everything ND4J registers with its deallocator, whose
 * counter gives each one an id) that a warmed-up training iteration and inference pass create. The time loop must
 * create none: a pass of 45 steps creates exactly as many as a pass of 5. The rest of a pass (loss, head, gradient
 * GEMMs, checks) is bounded by a ceiling that catches regressions; a fully allocation-free steady state is not
 * reached yet (the performance issue).
 */
class NativeAllocationTest {
    private static final Logger LOG = LoggerFactory.getLogger(NativeAllocationTest.class);

    private static long created(Runnable pass) {
        long before = Nd4j.getDeallocatorService().nextValue();
        pass.run();
        return Nd4j.getDeallocatorService().nextValue() - before - 1; // nextValue itself takes one id
    }

    private record Counts(long training, long inference) {
    }

    private static Counts count(RecurrentCellSpec cell, int steps) {
        SequenceModel model = SequenceModel.builder().recurrent(cell).head(Dense.builder(cell.hiddenSize(), 1).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP).seed(1).build();
        Adam adam = new Adam(1e-3);
        adam.initialise(model.parameters());
        INDArray x = Nd4j.rand(DataType.FLOAT, steps, 3, 4);
        INDArray y = Nd4j.rand(DataType.FLOAT, 3, 1);
        Loss loss = new MeanSquaredError();
        Runnable train = () -> {
            model.computeGradients(x, y, loss);
            adam.step(model.parameters(), model.gradients());
        };
        Runnable infer = () -> model.predict(x);
        for (int i = 0; i < 3; i++) {
            train.run();
            infer.run();
        }
        return new Counts(created(train), created(infer));
    }

    @Test
    void theTimeLoopCreatesNoBuffers() {
        // hidden 128: split over two threads on a machine with two cores or more (see PartitionRunner)
        for (RecurrentCellSpec cell : new RecurrentCellSpec[] {Lstm.builder(4, 8).build(), Gru.builder(4, 8).build(),
            VanillaRnn.builder(4, 8).build(), Lstm.builder(4, 128).build(), Gru.builder(4, 128).build()}) {
            Counts short5 = count(cell, 5);
            Counts long45 = count(cell, 45);
            LOG.info("{} (hidden {}): native objects per training iteration {} (T=5), {} (T=45); per inference pass "
                    + "{}, {}", cell.getClass().getSimpleName(), cell.hiddenSize(), short5.training(), long45.training(), short5.inference(),
                    long45.inference());
            assertEquals(short5.training(), long45.training(), cell + ": training creates native objects per step");
            assertEquals(short5.inference(), long45.inference(), cell + ": inference creates native objects per step");
            assertTrue(short5.training() <= 200 && short5.inference() <= 70, cell + ": " + short5);
        }
    }
}
