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
        return switch (this) {
            case RNN_TANH -> VanillaRnn.builder(input, hidden).activation(Activation.TANH).fused(fused).build();
            case RNN_RELU -> VanillaRnn.builder(input, hidden).activation(Activation.RELU).fused(fused).build();
            case RNN_SIGMOID -> VanillaRnn.builder(input, hidden).activation(Activation.SIGMOID).fused(fused).build();
            case LSTM -> Lstm.builder(input, hidden).fused(fused).build();
            case GRU -> Gru.builder(input, hidden).fused(fused).build();
        };
    }
}
