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
     * Inference.
     *
     * @param input   {@code [T, batch, inputSize]}
     * @param lengths valid steps per sequence ({@link SequenceLayer#forward(INDArray, int[], State, boolean)}), or
     *                {@code null} when all have {@code T}
     * @return the predictions, in the shape the implementation documents (e.g. {@code [T, batch, outputSize]})
     */
    INDArray predict(INDArray input, int[] lengths);

    default INDArray predict(INDArray input) {
        return predict(input, null);
    }

    /**
     * A training pass: forward (with dropout, if any), loss, backward.
     *
     * @param targets what {@code loss} compares {@link #predict}'s result with, of the same shape
     * @return the loss value
     */
    double computeGradients(INDArray input, int[] lengths, INDArray targets, Loss loss);

    default double computeGradients(INDArray input, INDArray targets, Loss loss) {
        return computeGradients(input, null, targets, loss);
    }
}
