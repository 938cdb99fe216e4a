package org.rnn4j.nd4j.cell;

import java.util.SplittableRandom;
import org.rnn4j.api.Cell;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

/**
 * The configuration of a {@link Cell}: its parameter layout, how to initialise the parameters and how to build the
 * cell over given parameter and gradient views. Lets a model allocate one buffer for all of its parts.
 */
public interface CellSpec {
    int inputSize();

    int hiddenSize();

    int outputSize();

    int stateArity();

    ParameterLayout layout();

    /** Writes initial values into {@code parameters} (of {@link #layout()}). */
    void initialize(Parameters parameters, SplittableRandom random);

    /** A cell that reads {@code parameters} and accumulates into {@code gradients}; both of {@link #layout()}. */
    Cell createCell(Parameters parameters, Parameters gradients);
}
