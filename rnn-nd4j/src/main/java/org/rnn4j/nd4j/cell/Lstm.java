package org.rnn4j.nd4j.cell;

import java.util.SplittableRandom;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.init.WeightInit;

/**
 * Long short-term memory, PyTorch's {@code nn.LSTM} equations and layout (gates in the order i, f, g, o):
 * <pre>
 *   [i f g o] = x_t · W_ihᵀ + b_ih + h_{t-1} · W_hhᵀ + b_hh          (each [batch, hidden])
 *   i, f, o = σ(·)      g = tanh(·)
 *   c_t = f ⊙ c_{t-1} + i ⊙ g          h_t = o ⊙ tanh(c_t)           y_t = h_t      state (h, c)
 *
 *   weight_ih [4*hidden, input]   weight_hh [4*hidden, hidden]   bias_ih [4*hidden]   bias_hh [4*hidden]
 * </pre>
 * Defaults: biases on; the forget gate's bias starts at 1 (in {@code bias_ih}; Jozefowicz et al. 2015, Keras'
 * default) so that the cell remembers from the start; input weights Xavier-uniform and recurrent weights orthogonal,
 * per gate; the fused kernel.
 */
public record Lstm(int inputSize, int hiddenSize, boolean bias, boolean forgetBiasOne, WeightInit inputInit,
                   WeightInit recurrentInit, boolean fused) implements RecurrentCellSpec {
    public static final int GATES = 4;
    public static final boolean DEFAULT_FORGET_BIAS_ONE = true;

    public Lstm {
        Checks.positive(inputSize, "inputSize");
        Checks.positive(hiddenSize, "hiddenSize");
        Checks.notNull(inputInit, "inputInit");
        Checks.notNull(recurrentInit, "recurrentInit");
        if (forgetBiasOne && !bias) {
            throw new IllegalArgumentException("forgetBiasOne needs bias = true");
        }
    }

    public static Builder builder(int inputSize, int hiddenSize) {
        return new Builder(inputSize, hiddenSize);
    }

    @Override
    public int gates() {
        return GATES;
    }

    @Override
    public int stateArity() {
        return 2;
    }

    @Override
    public void initialize(Parameters parameters, SplittableRandom random) {
        GateLayout.initialize(parameters, GATES, hiddenSize, inputInit, recurrentInit, random);
        if (forgetBiasOne) {
            GateLayout.gateRows(parameters.get("bias_ih"), 1, hiddenSize).assign(1);
        }
    }

    @Override
    public LstmCell createCell(Parameters parameters, Parameters gradients) {
        return new LstmCell(this, parameters, gradients);
    }

    @Override
    public Lstm withInputSize(int inputSize) {
        return new Lstm(inputSize, hiddenSize, bias, forgetBiasOne, inputInit, recurrentInit, fused);
    }

    @Override
    public Lstm withFused(boolean fused) {
        return new Lstm(inputSize, hiddenSize, bias, forgetBiasOne, inputInit, recurrentInit, fused);
    }

    public static final class Builder extends CellBuilder<Lstm, Builder> {
        private boolean forgetBiasOne = DEFAULT_FORGET_BIAS_ONE;

        private Builder(int inputSize, int hiddenSize) {
            super(inputSize, hiddenSize);
        }

        /** Start the forget gate's bias at 1 (needs biases; ignored without them). */
        public Builder forgetBiasOne(boolean forgetBiasOne) {
            this.forgetBiasOne = forgetBiasOne;
            return this;
        }

        @Override
        public Lstm build() {
            return new Lstm(inputSize, hiddenSize, bias, forgetBiasOne && bias, inputInit, recurrentInit, fused);
        }
    }
}
