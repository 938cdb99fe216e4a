package org.rnn4j.nd4j.cell;

import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.nd4j.layer.CellLoop;
import org.rnn4j.nd4j.layer.FusedRecurrentLayer;
import org.rnn4j.nd4j.init.WeightInit;
import org.rnn4j.nd4j.layer.RecurrentSpec;

/**
 * The built-in cells (RNN, LSTM, GRU): PyTorch's equations and weight layout ({@link GateLayout}), each usable as a
 * one-step {@link org.rnn4j.api.Cell} ({@link #createCell}) and as a fused sequence layer ({@link #create}).
 */
public sealed interface RecurrentCellSpec extends CellSpec, RecurrentSpec permits VanillaRnn, Lstm, Gru {
    /** Number of gate blocks stacked in the weights: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). */
    int gates();

    boolean bias();

    WeightInit inputInit();

    WeightInit recurrentInit();

    /** Whether {@link #create} builds the fused kernel (default) or loops the reference cell. */
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

    /** The fused kernel, or a loop over the reference cell when {@link #fused()} is false. */
    @Override
    default SequenceLayer create(Parameters parameters, Parameters gradients) {
        return fused() ? new FusedRecurrentLayer(this, parameters, gradients)
                : new CellLoop(createCell(parameters, gradients));
    }

    /** The same configuration with the fused kernel switched on or off. */
    RecurrentCellSpec withFused(boolean fused);
}
