package org.rnn4j.nd4j.cell;

import java.util.SplittableRandom;
import org.rnn4j.api.Cell;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

/**
 * The configuration of a {@link Cell}: its parameter layout, how to initialise the parameters and how to build the
 * cell over given parameter and gradient views. Lets a model allocate one buffer for all of its parts.
 *
 * <p>Any cell spec, the built-in ones or yours, becomes a recurrent layer through
 * {@link org.rnn4j.nd4j.layer.RecurrentLayer} (or {@code SequenceModel.builder().recurrent(spec)}), and a stacked or
 * bidirectional one through {@link org.rnn4j.nd4j.layer.StackedRnn}; a model file stores it when its type is
 * registered ({@link org.rnn4j.nd4j.io.CellTypes}).
 */
public interface CellSpec {
    int inputSize();

    int hiddenSize();

    int outputSize();

    int stateArity();

    ParameterLayout layout();

    /** Writes initial values into {@code parameters} (of {@link #layout()}). */
    void initialize(Parameters parameters, SplittableRandom random);

    /**
     * The same configuration for another input size: what the layers above the first of a stack use (their input is
     * the layer below's output). A cell that cannot change its input size cannot be stacked.
     *
     * @throws UnsupportedOperationException unless the cell implements it
     */
    default CellSpec withInputSize(int inputSize) {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement withInputSize(int), so "
                + "it cannot be stacked above the first layer");
    }

    /** A cell that reads {@code parameters} and accumulates into {@code gradients}; both of {@link #layout()}. */
    Cell createCell(Parameters parameters, Parameters gradients);
}
