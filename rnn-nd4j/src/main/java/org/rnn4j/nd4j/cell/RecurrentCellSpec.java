package org.rnn4j.nd4j.cell;

import org.rnn4j.api.ParameterLayout;
import org.rnn4j.nd4j.init.WeightInit;

/**
 * The built-in cells (RNN, LSTM, GRU): PyTorch's equations and weight layout ({@link GateLayout}), each usable as a
 * one-step {@link org.rnn4j.api.Cell} ({@link #createCell}) and, through {@link org.rnn4j.nd4j.layer.RecurrentLayer},
 * as a sequence layer on the fused engine.
 */
public sealed interface RecurrentCellSpec extends CellSpec permits VanillaRnn, Lstm, Gru {
    /** Number of gate blocks stacked in the weights: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). */
    int gates();

    boolean bias();

    WeightInit inputInit();

    WeightInit recurrentInit();

    /** Whether a layer of this cell runs on the fused engine (default) or loops the reference cell. */
    boolean fused();

    @Override
    default ParameterLayout layout() {
        return GateLayout.of(gates(), inputSize(), hiddenSize(), bias());
    }

    @Override
    default int outputSize() {
        return hiddenSize();
    }

    /** The same configuration for another input size (the layers above the first of a stack). */
    RecurrentCellSpec withInputSize(int inputSize);

    /** The same configuration with the fused kernel switched on or off. */
    RecurrentCellSpec withFused(boolean fused);
}
