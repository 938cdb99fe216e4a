package org.rnn4j.nd4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The host path reads an array's native memory through a direct buffer, which does not keep the array alive: once the
 * caller's last reference is gone, a garbage collection in the middle of the loop lets ND4J free the memory under it.
 * Here the loss's term collects garbage (and gives ND4J's deallocator time) while it reads targets that only the call
 * refers to; every element must still be read right.
 */
class HostPathLifetimeTest {
    /** Squared error whose term can collect garbage halfway through the elements. */
    static final class CollectingLoss extends ElementwiseLoss {
        boolean collect;
        int calls;

        CollectingLoss() {
            super(Reduction.SUM);
        }

        @Override
        INDArray terms(INDArray p, INDArray t) {
            throw new AssertionError("the test runs the host path only");
        }

        @Override
        INDArray derivatives(INDArray p, INDArray t) {
            throw new AssertionError("the test runs the host path only");
        }

        @Override
        double term(double p, double t) {
            if (collect && calls++ % 64 == 0) {
                System.gc();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return (p - t) * (p - t);
        }

        @Override
        double derivative(double p, double t) {
            return 2 * (p - t);
        }
    }

    @Test
    void targetsOnlyTheCallRefersToStayReadableThroughTheLoop() {
        CollectingLoss loss = new CollectingLoss();
        INDArray predictions = Nd4j.zeros(DataType.FLOAT, 64, 1);
        INDArray gradient = predictions.like();
        for (int i = 0; i < 30_000; i++) { // compiled code, where the caller's reference is dead after its last use
            loss.computeInto(predictions, Nd4j.ones(DataType.FLOAT, 64, 1), null, gradient);
        }
        loss.collect = true;
        for (int i = 0; i < 100; i++) {
            assertEquals(64.0, loss.computeInto(predictions, Nd4j.ones(DataType.FLOAT, 64, 1), null, gradient),
                    "call " + i);
        }
    }
}
