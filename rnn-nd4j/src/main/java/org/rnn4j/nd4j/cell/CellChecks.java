package org.rnn4j.nd4j.cell;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;
import org.rnn4j.api.State;

/** Argument checks and small helpers shared by the reference cells (public for cells written by users). */
public final class CellChecks {
    private CellChecks() {
    }

    /** A {@code [batch, inputSize]} step input of the cell's type. */
    public static INDArray input(INDArray x, long inputSize, DataType type) {
        Checks.shape(x, "input", "[batch, inputSize]", Checks.ANY, inputSize);
        if (x.size(0) < 1) {
            throw new IllegalArgumentException("input must have batch >= 1 but has shape [0, " + inputSize + "]");
        }
        Checks.dataType(x, type, "input");
        return x;
    }

    /** The state, checked; a zero state when {@code state} is null. */
    public static State state(State state, int arity, long batch, long hidden, DataType type) {
        return state == null ? State.zeros(arity, batch, hidden, type)
                : state.check("state", arity, batch, hidden, type);
    }

    /** {@code a + b} as a new array, where a null term counts as zero; zeros shaped like {@code like} if both are. */
    public static INDArray sum(INDArray a, INDArray b, INDArray like) {
        if (a == null && b == null) {
            return org.nd4j.linalg.factory.Nd4j.zerosLike(like);
        }
        if (a == null) {
            return b.dup();
        }
        return b == null ? a.dup() : a.add(b);
    }
}
