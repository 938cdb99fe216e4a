package org.rnn4j.nd4j.init;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a weight matrix {@code [out, in]} is initialised. Gated cells apply it to each gate's {@code [hidden, in]} block
 * separately, so every gate starts well conditioned.
 */
public enum WeightInit {
    /** Xavier/Glorot uniform, {@code U(±sqrt(6 / (in + out)))}: the default for input weights. */
    XAVIER_UNIFORM,
    /** A random orthogonal matrix: the default for recurrent weights; keeps gradient norms steady through time. */
    ORTHOGONAL,
    /** PyTorch's RNN default, {@code U(±1/sqrt(hidden))}. */
    PYTORCH_UNIFORM;

    /** Fills {@code block} ({@code [out, in]}) of a layer with {@code hidden} units. */
    public void fill(INDArray block, long hidden, SplittableRandom random) {
        switch (this) {
            case XAVIER_UNIFORM -> Initializers.xavierUniform(block, random);
            case ORTHOGONAL -> Initializers.orthogonal(block, random);
            case PYTORCH_UNIFORM -> {
                double bound = 1 / Math.sqrt(hidden);
                Initializers.uniform(block, -bound, bound, random);
            }
        }
    }
}
