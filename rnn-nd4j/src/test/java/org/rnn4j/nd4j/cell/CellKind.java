package org.rnn4j.nd4j.cell;

import org.rnn4j.api.Activation;

/** The built-in cells, for parameterised tests. */
public enum CellKind {
    RNN_TANH, RNN_RELU, RNN_SIGMOID, LSTM, GRU;

    public RecurrentCellSpec spec(int input, int hidden, boolean fused) {
        return spec(input, hidden, fused, true);
    }

    /** The fused cell without bias parameters. */
    public RecurrentCellSpec withoutBias(int input, int hidden) {
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
