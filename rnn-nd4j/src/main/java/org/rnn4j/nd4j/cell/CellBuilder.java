package org.rnn4j.nd4j.cell;

import org.rnn4j.nd4j.init.WeightInit;

/**
 * The settings every built-in cell shares. Required: {@code inputSize}, {@code hiddenSize} (the builder's
 * arguments). Optional, with the defaults given here once: biases on, input weights Xavier-uniform, recurrent weights
 * orthogonal, the fused kernel.
 */
public abstract class CellBuilder<S extends RecurrentCellSpec, B extends CellBuilder<S, B>> {
    public static final boolean DEFAULT_BIAS = true;
    public static final WeightInit DEFAULT_INPUT_INIT = WeightInit.XAVIER_UNIFORM;
    public static final WeightInit DEFAULT_RECURRENT_INIT = WeightInit.ORTHOGONAL;
    public static final boolean DEFAULT_FUSED = true;

    protected final int inputSize;
    protected final int hiddenSize;
    protected boolean bias = DEFAULT_BIAS;
    protected WeightInit inputInit = DEFAULT_INPUT_INIT;
    protected WeightInit recurrentInit = DEFAULT_RECURRENT_INIT;
    protected boolean fused = DEFAULT_FUSED;

    protected CellBuilder(int inputSize, int hiddenSize) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Whether {@code bias_ih} and {@code bias_hh} exist. */
    public B bias(boolean bias) {
        this.bias = bias;
        return self();
    }

    /** Initialisation of {@code weight_ih}, per gate block. */
    public B inputInit(WeightInit inputInit) {
        this.inputInit = inputInit;
        return self();
    }

    /** Initialisation of {@code weight_hh}, per gate block. */
    public B recurrentInit(WeightInit recurrentInit) {
        this.recurrentInit = recurrentInit;
        return self();
    }

    /** The fused sequence kernel (true) or a loop over the readable reference cell (false). */
    public B fused(boolean fused) {
        this.fused = fused;
        return self();
    }

    public abstract S build();
}
