package org.rnn4j.nd4j.cell;

import java.util.SplittableRandom;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.nd4j.init.Initializers;
import org.rnn4j.nd4j.layer.CellLoop;
import org.rnn4j.nd4j.layer.RecurrentSpec;
import org.rnn4j.nd4j.layer.VanillaRnnLayer;

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
 * <p>Defaults (the single source of truth): activation {@link Activation#TANH} (as PyTorch), biases on,
 * {@code weight_ih} Xavier-uniform, {@code weight_hh} orthogonal, biases zero, the fused sequence kernel.
 *
 * @param inputSize  features per step, {@code >= 1}
 * @param hiddenSize size of {@code h}, {@code >= 1}
 * @param activation the nonlinearity
 * @param bias       whether {@code bias_ih} and {@code bias_hh} exist
 * @param fused      whether {@link #create(Parameters, Parameters)} uses the fused kernel
 *                   ({@link VanillaRnnLayer}) or loops the reference cell ({@link CellLoop})
 */
public record VanillaRnn(int inputSize, int hiddenSize, Activation activation, boolean bias, boolean fused)
        implements CellSpec, RecurrentSpec {

    public static final Activation DEFAULT_ACTIVATION = Activation.TANH;
    public static final boolean DEFAULT_BIAS = true;
    public static final boolean DEFAULT_FUSED = true;

    public VanillaRnn {
        Checks.positive(inputSize, "inputSize");
        Checks.positive(hiddenSize, "hiddenSize");
        Checks.notNull(activation, "activation");
    }

    /** Starts a configuration; {@code inputSize} and {@code hiddenSize} are required, the rest has defaults. */
    public static Builder builder(int inputSize, int hiddenSize) {
        return new Builder(inputSize, hiddenSize);
    }

    @Override
    public int outputSize() {
        return hiddenSize;
    }

    @Override
    public int stateArity() {
        return 1;
    }

    @Override
    public ParameterLayout layout() {
        ParameterLayout.Builder b = ParameterLayout.builder()
                .add("weight_ih", hiddenSize, inputSize)
                .add("weight_hh", hiddenSize, hiddenSize);
        if (bias) {
            b.add("bias_ih", hiddenSize).add("bias_hh", hiddenSize);
        }
        return b.build();
    }

    @Override
    public void initialize(Parameters parameters, SplittableRandom random) {
        Initializers.xavierUniform(parameters.get("weight_ih"), random);
        Initializers.orthogonal(parameters.get("weight_hh"), random);
        if (bias) {
            parameters.get("bias_ih").assign(0);
            parameters.get("bias_hh").assign(0);
        }
    }

    @Override
    public SequenceLayer create(Parameters parameters, Parameters gradients) {
        return fused ? new VanillaRnnLayer(this, parameters, gradients)
                : new CellLoop(createCell(parameters, gradients));
    }

    /** The readable one-step reference cell over the given parameters. */
    @Override
    public VanillaRnnCell createCell(Parameters parameters, Parameters gradients) {
        return new VanillaRnnCell(this, parameters, gradients);
    }

    public static final class Builder {
        private final int inputSize;
        private final int hiddenSize;
        private Activation activation = DEFAULT_ACTIVATION;
        private boolean bias = DEFAULT_BIAS;
        private boolean fused = DEFAULT_FUSED;

        private Builder(int inputSize, int hiddenSize) {
            this.inputSize = inputSize;
            this.hiddenSize = hiddenSize;
        }

        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        public Builder fused(boolean fused) {
            this.fused = fused;
            return this;
        }

        public VanillaRnn build() {
            return new VanillaRnn(inputSize, hiddenSize, activation, bias, fused);
        }
    }
}
