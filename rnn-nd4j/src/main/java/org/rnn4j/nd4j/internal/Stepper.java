package org.rnn4j.nd4j.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.State;

/**
 * One step at a time over preallocated buffers, carrying the state: the fast path of streaming inference. Not
 * thread-safe: one stepper per stream.
 */
public interface Stepper {
    /**
     * @param x {@code [batch, inputSize]}, c-order, of the layer's type (checked by the caller)
     * @return the step's output {@code [batch, outputSize]}: a view of the stepper's buffer, valid until the next step
     */
    INDArray step(INDArray x);

    /** A copy of the state after the last step. */
    State state();

    /** Back to the zero state. */
    void reset();
}
