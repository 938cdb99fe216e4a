package org.rnn4j.api;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A recurrent layer over whole sequences: {@code [T, batch, inputSize]} in, {@code [T, batch, outputSize]} out,
 * with backpropagation through time.
 *
 * <p>Call order for training: {@link #forward} returns a {@link Trace}; read its outputs; pass it once to
 * {@link #backward}, with the parameters unchanged in between. {@code backward} adds (+=) parameter gradients into
 * {@link #gradients()} and may reuse the trace's buffers, so read the outputs before calling it. For inference only,
 * call {@code forward} and drop the trace.
 *
 * <p>Threads: inference passes ({@code training = false}) only read the parameters, so one layer serves any number
 * of threads at once. Training passes may reuse the buffers of the previous training pass: a training trace (its
 * outputs and final state included) is valid until the layer's next training forward, and training runs in one
 * thread. Copy what you want to keep.
 */
public interface SequenceLayer {
    int inputSize();

    int hiddenSize();

    int outputSize();

    int stateArity();

    DataType dataType();

    Parameters parameters();

    Parameters gradients();

    /**
     * A batch of sequences of different lengths, padded to {@code T} steps.
     * <ul>
     *   <li>{@code lengths[b]} (in {@code [1, T]}) is the number of valid steps of sequence {@code b}; the steps
     *       after it are padding. {@code null} means every sequence has {@code T} steps.</li>
     *   <li>{@code lengths} is not modified and must not be modified until {@code backward} has run.</li>
     *   <li>On padded steps the state does not change, the output is zero, and no gradient flows (to the input,
     *       the parameters or the state). The final state is each sequence's state after its own last valid step.
     *       The result equals running each sequence alone.</li>
     * </ul>
     *
     * @param input   {@code [T, batch, inputSize]}, {@code T >= 1}, finite values (padding included)
     * @param lengths valid steps per sequence, or {@code null}
     * @param initial  the state before the first step, or {@code null} for zeros
     * @param training whether this pass trains: layers with dropout apply it only then
     */
    Trace forward(INDArray input, int[] lengths, State initial, boolean training);

    /** An inference pass: {@link #forward(INDArray, int[], State, boolean)} with {@code training = false}. */
    default Trace forward(INDArray input, int[] lengths, State initial) {
        return forward(input, lengths, initial, false);
    }

    /**
     * An inference pass that returns only the final state: what {@code forward(input, lengths, initial,
     * false).finalState()} returns, with the same checks, while a layer may skip copying out every step's outputs
     * (a fused layer does: {@code T·batch·outputSize} values per pass). Models whose head reads only the final state
     * use it.
     */
    default State finalState(INDArray input, int[] lengths, State initial) {
        return forward(input, lengths, initial, false).finalState();
    }

    /** An inference pass with every sequence {@code T} steps long. */
    default Trace forward(INDArray input, State initial) {
        return forward(input, null, initial, false);
    }

    /**
     * @param trace              what {@link #forward} returned
     * @param outputGradients    {@code dL/doutputs}, {@code [T, batch, outputSize]}, or {@code null} for zero
     * @param finalStateGradient {@code dL/dfinalState}, or {@code null} for zero
     */
    Gradient backward(Trace trace, INDArray outputGradients, State finalStateGradient);

    /**
     * {@link #backward} for a caller that needs only the parameter gradients, such as a model whose first layer
     * reads raw features: the same parameter gradients, while a layer may skip the input and initial-state gradients
     * (for a fused layer the product {@code dGates·W_ih}, {@code 2·T·B·gates·H·inputSize} FLOPs, and the copies).
     */
    default void backwardParameters(Trace trace, INDArray outputGradients, State finalStateGradient) {
        backward(trace, outputGradients, finalStateGradient);
    }

    /** The result of a forward pass. */
    interface Trace {
        /** Outputs of every step, {@code [T, batch, outputSize]}. */
        INDArray outputs();

        /** The state after the last step. */
        State finalState();
    }

    /** {@code dL/dinput} ({@code [T, batch, inputSize]}) and {@code dL/dinitialState}. */
    record Gradient(INDArray inputGradients, State initialStateGradient) {
    }
}
