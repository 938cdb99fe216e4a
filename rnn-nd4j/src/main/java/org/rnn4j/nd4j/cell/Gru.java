package org.rnn4j.nd4j.cell;

import java.util.SplittableRandom;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.init.WeightInit;

/**
 * Gated recurrent unit, PyTorch's {@code nn.GRU} equations and layout (gates in the order r, z, n):
 * <pre>
 *   [xr xz xn] = x_t · W_ihᵀ + b_ih          [hr hz hn] = h_{t-1} · W_hhᵀ + b_hh
 *   r = σ(xr + hr)      z = σ(xz + hz)      n = tanh(xn + r ⊙ hn)
 *   h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}                                  y_t = h_t
 *
 *   weight_ih [3*hidden, input]   weight_hh [3*hidden, hidden]   bias_ih [3*hidden]   bias_hh [3*hidden]
 * </pre>
 * The reset gate multiplies {@code W_hn·h + b_hn}, not {@code h} (PyTorch's and cuDNN's variant), so
 * {@code b_hn} is not redundant. Defaults: biases on, input weights Xavier-uniform, recurrent weights orthogonal per
 * gate, the fused kernel.
 */
public record Gru(int inputSize, int hiddenSize, boolean bias, WeightInit inputInit, WeightInit recurrentInit,
                  boolean fused) implements RecurrentCellSpec {
    public static final int GATES = 3;

    public Gru {
        Checks.positive(inputSize, "inputSize");
        Checks.positive(hiddenSize, "hiddenSize");
        Checks.notNull(inputInit, "inputInit");
        Checks.notNull(recurrentInit, "recurrentInit");
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
        return 1;
    }

    @Override
    public void initialize(Parameters parameters, SplittableRandom random) {
        GateLayout.initialize(parameters, GATES, hiddenSize, inputInit, recurrentInit, random);
    }

    @Override
    public GruCell createCell(Parameters parameters, Parameters gradients) {
        return new GruCell(this, parameters, gradients);
    }

    @Override
    public Gru withInputSize(int inputSize) {
        return new Gru(inputSize, hiddenSize, bias, inputInit, recurrentInit, fused);
    }

    @Override
    public Gru withFused(boolean fused) {
        return new Gru(inputSize, hiddenSize, bias, inputInit, recurrentInit, fused);
    }

    public static final class Builder extends CellBuilder<Gru, Builder> {

        private Builder(int inputSize, int hiddenSize) {
            super(inputSize, hiddenSize);
        }

        @Override
        public Gru build() {
            return new Gru(inputSize, hiddenSize, bias, inputInit, recurrentInit, fused);
        }
    }
}
