package org.rnn4j.nd4j.layer;

import java.util.SplittableRandom;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.init.Initializers;

/**
 * A fully connected layer {@code y = act(x · Wᵀ + b)}, PyTorch {@code nn.Linear}'s layout:
 * {@code weight [outputSize, inputSize]}, {@code bias [outputSize]} (optional). Defaults: identity activation, bias
 * on, Xavier-uniform weight, zero bias.
 */
public record Dense(int inputSize, int outputSize, Activation activation, boolean bias) {
    public static final Activation DEFAULT_ACTIVATION = Activation.IDENTITY;
    public static final boolean DEFAULT_BIAS = true;

    public Dense {
        Checks.positive(inputSize, "inputSize");
        Checks.positive(outputSize, "outputSize");
        Checks.notNull(activation, "activation");
    }

    public static Builder builder(int inputSize, int outputSize) {
        return new Builder(inputSize, outputSize);
    }

    public ParameterLayout layout() {
        ParameterLayout.Builder b = ParameterLayout.builder().add("weight", outputSize, inputSize);
        if (bias) {
            b.add("bias", outputSize);
        }
        return b.build();
    }

    public void initialize(Parameters parameters, SplittableRandom random) {
        Initializers.xavierUniform(parameters.get("weight"), random);
        if (bias) {
            parameters.get("bias").assign(0);
        }
    }

    public DenseLayer create(Parameters parameters, Parameters gradients) {
        return new DenseLayer(this, parameters, gradients);
    }

    public static final class Builder {
        private final int inputSize;
        private final int outputSize;
        private Activation activation = DEFAULT_ACTIVATION;
        private boolean bias = DEFAULT_BIAS;

        private Builder(int inputSize, int outputSize) {
            this.inputSize = inputSize;
            this.outputSize = outputSize;
        }

        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        public Dense build() {
            return new Dense(inputSize, outputSize, activation, bias);
        }
    }
}
