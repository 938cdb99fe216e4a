package org.rnn4j.api;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The recurrent state carried from one time step to the next: one {@code [batch, hiddenSize]} array for RNN and
 * GRU ({@code h}), two for LSTM ({@code h}, then {@code c}). Immutable as a container; the arrays follow the
 * ownership rules of the package documentation.
 */
public final class State {
    private final INDArray[] parts;

    private State(INDArray[] parts) {
        this.parts = parts;
    }

    /** A state from its parts, {@code h} first. Each part must be {@code [batch, hidden]}; all the same shape. */
    public static State of(INDArray... parts) {
        Checks.notNull(parts, "parts");
        if (parts.length == 0) {
            throw new IllegalArgumentException("a state needs at least one array");
        }
        for (int i = 0; i < parts.length; i++) {
            Checks.notNull(parts[i], "state part " + i);
            Checks.shape(parts[i], "state part " + i, "[batch, hidden]", parts[0].size(0),
                    parts[0].rank() == 2 ? parts[0].size(1) : Checks.ANY);
        }
        return new State(parts.clone());
    }

    /** A zero state of {@code arity} parts, each {@code [batch, hidden]}. */
    public static State zeros(int arity, long batch, long hidden, DataType dataType) {
        INDArray[] p = new INDArray[Checks.positive(arity, "arity")];
        for (int i = 0; i < arity; i++) {
            p[i] = Nd4j.zeros(dataType, batch, hidden);
        }
        return new State(p);
    }

    public int arity() {
        return parts.length;
    }

    public INDArray get(int part) {
        return parts[part];
    }

    /** The hidden state {@code h}, the first part. */
    public INDArray hidden() {
        return parts[0];
    }

    public long batchSize() {
        return parts[0].size(0);
    }

    /**
     * Checks that this state fits a layer: {@code arity} parts, each {@code [batch, hidden]} of {@code type}.
     *
     * @param name the argument name for the message
     */
    public State check(String name, int arity, long batch, long hidden, DataType type) {
        if (parts.length != arity) {
            throw new IllegalArgumentException(name + " must have " + arity + " part(s) but has " + parts.length);
        }
        for (int i = 0; i < parts.length; i++) {
            Checks.shape(parts[i], name + "[" + i + "]", "[batch, hidden]", batch, hidden);
            Checks.dataType(parts[i], type, name + "[" + i + "]");
        }
        return this;
    }

    /** Deep copy. */
    public State dup() {
        INDArray[] p = new INDArray[parts.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = parts[i].dup();
        }
        return new State(p);
    }

    @Override
    public String toString() {
        return "State" + Arrays.toString(Arrays.stream(parts).map(a -> Arrays.toString(a.shape())).toArray());
    }
}
