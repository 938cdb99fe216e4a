package org.rnn4j.nd4j.layer;

import org.rnn4j.api.Activation;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.cell.VanillaRnn;

/** The built-in cells, for parameterised tests. */
enum CellKind {
    RNN_TANH, RNN_RELU, RNN_SIGMOID, LSTM, GRU;

    RecurrentCellSpec spec(int input, int hidden, boolean fused) {
        return spec(input, hidden, fused, true);
    }

    /** The fused cell without bias parameters. */
    RecurrentCellSpec withoutBias(int input, int hidden) {
        return spec(input, hidden, true, false);
    }

    private RecurrentCellSpec spec(int input, int hidden, boolean fused, boolean bias) {
        return switch (this) {
            case RNN_TANH -> VanillaRnn.builder(input, hidden).activation(Activation.TANH).fused(fused).bias(bias)
                    .build();
            case RNN_RELU -> VanillaRnn.builder(input, hidden).activation(Activation.RELU).fused(fused).bias(bias)
                    .build();
            case RNN_SIGMOID -> VanillaRnn.builder(input, hidden).activation(Activation.SIGMOID).fused(fused)
                    .bias(bias).build();
            case LSTM -> Lstm.builder(input, hidden).fused(fused).bias(bias).build();
            case GRU -> Gru.builder(input, hidden).fused(fused).bias(bias).build();
        };
    }
}
