package org.rnn4j.api;

/**
 * Elementwise activation functions of cells and dense layers. Their derivatives are computed from the activation's
 * output, so a backward pass needs only the cached outputs.
 */
public enum Activation {
    /** {@code 1 / (1 + e^-x)}; derivative {@code y(1 - y)}. */
    SIGMOID,
    /** {@code tanh(x)}; derivative {@code 1 - y²}. */
    TANH,
    /** {@code max(0, x)}; derivative {@code 1 if y > 0 else 0}. */
    RELU,
    /** {@code x}; derivative {@code 1}. */
    IDENTITY
}
