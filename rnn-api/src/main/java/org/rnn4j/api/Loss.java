package org.rnn4j.api;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable loss between predictions and targets of the same shape.
 * Implementations check shapes and types and reject non-finite values before computing.
 */
public interface Loss {
    /**
     * @return the loss and its gradient with respect to {@code predictions} (a new array owned by the caller)
     */
    Value compute(INDArray predictions, INDArray targets);

    record Value(double loss, INDArray gradient) {
    }
}
