package org.rnn4j.nd4j.cell;

import java.util.SplittableRandom;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.init.WeightInit;

/**
 * The vanilla (Elman) recurrent cell, with PyTorch's {@code nn.RNNCell} weight layout:
 * <pre>
 *   h_t = act(x_t · W_ihᵀ + b_ih + h_{t-1} · W_hhᵀ + b_hh)        y_t = h_t
 *
 *   weight_ih [hidden, input]   weight_hh [hidden, hidden]   bias_ih [hidden]   bias_hh [hidden]   (biases optional)
 * </pre>
 * The article's {@code h_t = σ(W_xh·x_t + W_hh·h_{t-1})} is this cell with {@code activation(SIGMOID)},
 * {@code bias(false)}, {@code W_ih = W_xh}.
 *
 * <p>Defaults: activation {@link Activation#TANH} (as PyTorch); the rest as {@link CellBuilder} says.
 *
 * @param inputSize  features per step, {@code >= 1}
 * @param hiddenSize size of {@code h}, {@code >= 1}
 * @param activation the nonlinearity
 * @param bias       whether {@code bias_ih} and {@code bias_hh} exist
 * @param inputInit  initialisation of {@code weight_ih}
 * @param recurrentInit initialisation of {@code weight_hh}
 * @param fused      whether a layer of this cell runs on the fused engine or loops the reference cell
 *                   (see {@link org.rnn4j.nd4j.layer.RecurrentLayer})
 */
public record VanillaRnn(int inputSize, int hiddenSize, Activation activation, boolean bias, WeightInit inputInit,
                         WeightInit recurrentInit, boolean fused) implements RecurrentCellSpec {

    public static final Activation DEFAULT_ACTIVATION = Activation.TANH;

    public VanillaRnn {
        Checks.positive(inputSize, "inputSize");
        Checks.positive(hiddenSize, "hiddenSize");
        Checks.notNull(activation, "activation");
        Checks.notNull(inputInit, "inputInit");
        Checks.notNull(recurrentInit, "recurrentInit");
    }

    /** Starts a configuration; {@code inputSize} and {@code hiddenSize} are required, the rest has defaults. */
    public static Builder builder(int inputSize, int hiddenSize) {
        return new Builder(inputSize, hiddenSize);
    }

    @Override
    public int gates() {
        return 1;
    }

    @Override
    public int stateArity() {
        return 1;
    }

    @Override
    public void initialize(Parameters parameters, SplittableRandom random) {
        GateLayout.initialize(parameters, 1, hiddenSize, inputInit, recurrentInit, random);
    }

    @Override
    public VanillaRnn withInputSize(int inputSize) {
        return new VanillaRnn(inputSize, hiddenSize, activation, bias, inputInit, recurrentInit, fused);
    }

    @Override
    public VanillaRnn withFused(boolean fused) {
        return new VanillaRnn(inputSize, hiddenSize, activation, bias, inputInit, recurrentInit, fused);
    }

    /** The readable one-step reference cell over the given parameters. */
    @Override
    public VanillaRnnCell createCell(Parameters parameters, Parameters gradients) {
        return new VanillaRnnCell(this, parameters, gradients);
    }

    public static final class Builder extends CellBuilder<VanillaRnn, Builder> {
        private Activation activation = DEFAULT_ACTIVATION;

        private Builder(int inputSize, int hiddenSize) {
            super(inputSize, hiddenSize);
        }

        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        @Override
        public VanillaRnn build() {
            return new VanillaRnn(inputSize, hiddenSize, activation, bias, inputInit, recurrentInit, fused);
        }
    }
}
