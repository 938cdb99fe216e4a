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
 * Counts the native objects (data buffers, shape descriptors and op contexts: everything ND4J registers with its
 * deallocator, whose counter gives each one an id) that a warmed-up training iteration and inference pass create.
 * A training iteration of a repeating shape (built-in cell, dense head, MSE, Adam; no padding, mask, dropout or
 * embedding) creates none: its arrays, views and products are the layers', the model's and the optimizer's own,
 * made on the first iterations. Inference creates its results (the caller keeps them) but nothing per time step.
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

    private static Counts count(RecurrentCellSpec cell, int steps, SequenceModel.OutputMode mode, int[] lengths) {
        SequenceModel model = SequenceModel.builder().recurrent(cell).head(Dense.builder(cell.hiddenSize(), 1).build())
                .outputMode(mode).seed(1).build();
        Adam adam = new Adam(1e-3);
        adam.initialise(model.parameters());
        INDArray x = Nd4j.rand(DataType.FLOAT, steps, 3, 4);
        INDArray y = mode == SequenceModel.OutputMode.ALL_STEPS ? Nd4j.rand(DataType.FLOAT, steps, 3, 1)
                : Nd4j.rand(DataType.FLOAT, 3, 1);
        Loss loss = new MeanSquaredError();
        Runnable train = () -> {
            model.computeGradients(x, lengths, y, loss);
            adam.step(model.parameters(), model.gradients());
        };
        Runnable infer = () -> model.predict(x, lengths);
        for (int i = 0; i < 3; i++) {
            train.run();
            infer.run();
        }
        return new Counts(created(train), created(infer));
    }

    private static RecurrentCellSpec[] cells() {
        // hidden 128: split over two threads on a machine with two cores or more (see PartitionRunner)
        return new RecurrentCellSpec[] {Lstm.builder(4, 8).build(), Gru.builder(4, 8).build(),
            VanillaRnn.builder(4, 8).build(), Lstm.builder(4, 128).build(), Gru.builder(4, 128).build()};
    }

    @Test
    void aTrainingIterationCreatesNoNativeObject() {
        for (RecurrentCellSpec cell : cells()) {
            for (SequenceModel.OutputMode mode : new SequenceModel.OutputMode[] {SequenceModel.OutputMode.LAST_STEP,
                SequenceModel.OutputMode.ALL_STEPS}) {
                Counts counts = count(cell, 5, mode, null);
                LOG.info("{} (hidden {}), {}: native objects per training iteration {}, per inference pass {}",
                        cell.getClass().getSimpleName(), cell.hiddenSize(), mode, counts.training(),
                        counts.inference());
                assertEquals(0, counts.training(), cell + " " + mode + ": native objects per training iteration");
                assertTrue(counts.inference() <= 30, cell + " " + mode + ": " + counts);
            }
        }
    }

    /** With padding (lengths) the model builds masks and sorts batches: a bounded number, none per time step. */
    @Test
    void theTimeLoopCreatesNoNativeObjectWithPadding() {
        for (RecurrentCellSpec cell : cells()) {
            for (SequenceModel.OutputMode mode : new SequenceModel.OutputMode[] {SequenceModel.OutputMode.LAST_STEP,
                SequenceModel.OutputMode.ALL_STEPS}) {
                Counts short5 = count(cell, 5, mode, new int[] {5, 2, 4});
                Counts long45 = count(cell, 45, mode, new int[] {45, 2, 44});
                LOG.info("{} (hidden {}), {}, padded: native objects per training iteration {} (T=5), {} (T=45); per "
                        + "inference pass {}, {}", cell.getClass().getSimpleName(), cell.hiddenSize(), mode,
                        short5.training(), long45.training(), short5.inference(), long45.inference());
                assertEquals(short5.training(), long45.training(), cell + ": training creates native objects per step");
                assertEquals(short5.inference(), long45.inference(), cell + ": inference creates native objects per step");
                assertTrue(short5.training() <= 120 && short5.inference() <= 70, cell + " " + mode + ": " + short5);
            }
        }
    }
}
