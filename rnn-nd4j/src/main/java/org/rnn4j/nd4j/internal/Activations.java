package org.rnn4j.nd4j.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Activation;

/** Activation functions on INDArrays, each one native call; derivatives are computed from the outputs. */
public final class Activations {
    private Activations() {
    }

    /** Applies {@code activation} to {@code x} in place and returns {@code x}. */
    public static INDArray applyInPlace(Activation activation, INDArray x) {
        return switch (activation) {
            case SIGMOID -> Transforms.sigmoid(x, false);
            case TANH -> Transforms.tanh(x, false);
            case RELU -> Transforms.relu(x, false);
            case IDENTITY -> x;
        };
    }

    /**
     * The derivative at the pre-activation, computed from the activation's output {@code y}, as a new array;
     * {@code null} for {@link Activation#IDENTITY} (a derivative of one needs no multiplication).
     */
    public static INDArray derivativeFromOutput(Activation activation, INDArray y) {
        return switch (activation) {
            case SIGMOID -> y.mul(y).rsubi(y);
            case TANH -> y.mul(y).rsubi(1.0);
            case RELU -> Transforms.sign(y, true);
            case IDENTITY -> null;
        };
    }

    /** The derivative from the output {@code y}, written into {@code out} (ones for identity). */
    public static INDArray derivativeFromOutput(Activation activation, INDArray y, INDArray out) {
        return switch (activation) {
            case SIGMOID -> y.mul(y, out).rsubi(y);
            case TANH -> y.mul(y, out).rsubi(1.0);
            case RELU -> Transforms.sign(out.assign(y), false);
            case IDENTITY -> out.assign(1.0);
        };
    }

    /** {@code gradient *= f'(pre)} given the output {@code y}, in place. */
    public static INDArray multiplyByDerivative(Activation activation, INDArray gradient, INDArray y) {
        INDArray d = derivativeFromOutput(activation, y);
        return d == null ? gradient : gradient.muli(d);
    }
}
