package org.rnn4j.api;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One time step of a recurrent network, as a function {@code (state, x_t) -> (state', y_t)}, with its backward.
 * Looping over time is not the cell's job: a {@link SequenceLayer} does it (a generic loop over any cell, or a fused
 * kernel that shares the cell's parameters and is tested equal to it).
 *
 * <p>Shapes: {@code x_t} is {@code [batch, inputSize]}; each state part is {@code [batch, hiddenSize]};
 * {@code y_t} is {@code [batch, outputSize]}. For RNN, LSTM and GRU cells {@code y_t = h_t}.
 *
 * <p>Call order: {@link #forward} any number of times; for training, {@link #backward} on the steps in reverse
 * order, each exactly once, with the parameters unchanged in between. {@code backward} adds (+=) the parameter
 * gradients into {@link #gradients()}; it never touches the parameters.
 */
public interface Cell {
    int inputSize();

    int hiddenSize();

    int outputSize();

    /** Number of arrays in the state: 1 ({@code h}) or 2 ({@code h, c}). */
    int stateArity();

    DataType dataType();

    Parameters parameters();

    /** Gradient accumulators with the layout of {@link #parameters()}. */
    Parameters gradients();

    /**
     * One step forward. Neither argument is modified. The returned {@link Step} holds what {@link #backward} needs.
     */
    Step forward(State previous, INDArray input);

    /**
     * One step backward.
     *
     * @param step               a step returned by {@link #forward}
     * @param outputGradient     {@code dL/dy_t}, {@code [batch, outputSize]}, or {@code null} for zero
     * @param nextStateGradient  {@code dL/dstate_t} from the step after, or {@code null} for zero
     * @return {@code dL/dstate_{t-1}} and {@code dL/dx_t}
     */
    StepGradient backward(Step step, INDArray outputGradient, State nextStateGradient);

    /** What a forward step produced, and the arrays its backward needs ({@code saved}, cell-specific). */
    record Step(State previous, INDArray input, State next, INDArray output, INDArray[] saved) {
    }

    record StepGradient(State previousStateGradient, INDArray inputGradient) {
    }
}
