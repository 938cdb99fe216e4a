package org.rnn4j.api;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable loss between predictions {@code [..., F]} and targets. Implementations check shapes and types and
 * reject non-finite values before computing.
 *
 * <p>The leading dimensions of the predictions ({@code [B]} for one output per sequence, {@code [T, B]} for one per
 * step) index examples; the last one holds an example's features or classes. A {@code mask} of the leading shape
 * (1 = counts, 0 = padding) leaves examples out: they add nothing to the loss and get a zero gradient, and a mean
 * divides by the examples that count.
 */
public interface Loss {
    /**
     * @param mask the examples that count, of the predictions' shape without the last dimension, or {@code null}
     * @return the loss and its gradient with respect to {@code predictions} (a new array owned by the caller)
     */
    Value compute(INDArray predictions, INDArray targets, INDArray mask);

    /**
     * {@link #compute} with the gradient written into {@code gradient} (the predictions' shape and data type, c
     * order) instead of a new array: what a training loop that allocates nothing per iteration calls. This default
     * copies {@code compute}'s result; the built-in elementwise losses compute in place.
     *
     * @return the loss
     */
    default double computeInto(INDArray predictions, INDArray targets, INDArray mask, INDArray gradient) {
        Value value = compute(predictions, targets, mask);
        Checks.notNull(gradient, "gradient");
        if (!Arrays.equals(gradient.shape(), value.gradient().shape())
                || gradient.dataType() != value.gradient().dataType()) {
            throw new IllegalArgumentException("gradient must have shape " + Arrays.toString(
                    value.gradient().shape()) + " and type " + value.gradient().dataType() + " but has "
                    + Arrays.toString(gradient.shape()) + " and " + gradient.dataType());
        }
        gradient.assign(value.gradient());
        return value.loss();
    }

    /** Every example counts. */
    default Value compute(INDArray predictions, INDArray targets) {
        return compute(predictions, targets, null);
    }

    record Value(double loss, INDArray gradient) {
    }
}
