package org.rnn4j.api;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trainable network from input sequences to predictions, with all of its parameters in one {@link Parameters}.
 *
 * <p>Training call order: {@link #computeGradients} (forward, loss, backward; zeroes then fills
 * {@link #gradients()}), then {@link Optimizer#step}{@code (parameters(), gradients())}; repeat. {@link #predict}
 * may be called at any time and changes nothing. Implementations are not thread-safe for training.
 */
public interface Model {
    DataType dataType();

    Parameters parameters();

    Parameters gradients();

    /**
     * @param input {@code [T, batch, inputSize]}
     * @return the predictions, in the shape the implementation documents (e.g. {@code [T, batch, outputSize]})
     */
    INDArray predict(INDArray input);

    /**
     * Forward pass, loss and backward pass.
     *
     * @param targets what {@code loss} compares {@link #predict}'s result with, of the same shape
     * @return the loss value
     */
    double computeGradients(INDArray input, INDArray targets, Loss loss);
}
