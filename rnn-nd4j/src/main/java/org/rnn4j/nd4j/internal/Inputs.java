package org.rnn4j.nd4j.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;
import org.rnn4j.api.State;

/** The checks every sequence layer runs on its arguments, before any computation. */
public final class Inputs {
    private Inputs() {
    }

    /** Checks a {@code [T, batch, inputSize]} input of the given type with {@code T, batch >= 1} and finite values. */
    public static INDArray sequence(INDArray input, String name, long inputSize, DataType type) {
        Checks.shape(input, name, "[time, batch, inputSize]", Checks.ANY, Checks.ANY, inputSize);
        if (input.size(0) < 1) {
            throw new IllegalArgumentException(name + " must have at least one time step but has shape "
                    + java.util.Arrays.toString(input.shape()));
        }
        if (input.size(1) < 1) {
            throw new IllegalArgumentException(name + " must have at least one sequence (batch >= 1) but has shape "
                    + java.util.Arrays.toString(input.shape()));
        }
        Checks.dataType(input, type, name);
        return Checks.finite(input, name);
    }

    /**
     * Checks per-sequence lengths against a {@code [T, batch, ...]} input: {@code null} passes; otherwise one length
     * per sequence, each in {@code [1, T]}.
     */
    public static int[] lengths(int[] lengths, long steps, long batch) {
        if (lengths == null) {
            return null;
        }
        if (lengths.length != batch) {
            throw new IllegalArgumentException("lengths must have one entry per sequence (" + batch + ") but has "
                    + lengths.length);
        }
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException("lengths[" + b + "] must be in [1, " + steps + "] (the time "
                        + "dimension of input) but is " + lengths[b]);
            }
        }
        return lengths;
    }

    /** Checks an optional state (null passes) against arity, batch, hidden size and type, and that it is finite. */
    public static State state(State state, String name, int arity, long batch, long hidden, DataType type) {
        if (state == null) {
            return null;
        }
        state.check(name, arity, batch, hidden, type);
        for (int i = 0; i < arity; i++) {
            Checks.finite(state.get(i), name + "[" + i + "]");
        }
        return state;
    }

    /** Checks an optional gradient (null passes) of an exact shape and type. */
    public static INDArray gradient(INDArray gradient, String name, String meaning, DataType type, long... shape) {
        if (gradient == null) {
            return null;
        }
        Checks.shape(gradient, name, meaning, shape);
        Checks.dataType(gradient, type, name);
        return Checks.finite(gradient, name);
    }

    /**
     * A c-order array with the same values and no offset: {@code array} itself when it already is one. Besides
     * giving the GEMMs contiguous rows, this avoids an ND4J 1.0.0-M2.1 bug: {@code get(...)} on a rank-3 view with a
     * non-zero offset fails with a NullPointerException.
     */
    public static INDArray contiguous(INDArray array) {
        return array.offset() == 0 && Buffers.contiguous(array) ? array : array.dup('c');
    }

    /**
     * A matrix whose rows and elements are contiguous in c order, as GEMMs and host loops read it: the array itself
     * when it is one (a view included, such as a final state's rows of a layer's buffer), else a c-order copy.
     * Do not index the result with {@code get(...)}: see {@link MatrixViews}.
     */
    public static INDArray contiguousMatrix(INDArray matrix) {
        return matrix.rank() == 2 && Buffers.contiguous(matrix) ? matrix : matrix.dup('c');
    }
}
