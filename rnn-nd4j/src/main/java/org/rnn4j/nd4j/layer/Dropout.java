package org.rnn4j.nd4j.layer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout masks: each element is kept with probability {@code 1 - p} and scaled by {@code 1/(1-p)}, so
 * inference needs no rescaling. The masks of a training pass are a function of {@code (seed, pass)}
 * ({@link #startPass}) rather than of everything drawn before, so a run resumed from a checkpoint draws the same
 * masks as the uninterrupted run.
 */
public final class Dropout {
    private final double probability;
    private final long seed;
    private final Random random;

    public Dropout(double probability, long seed) {
        if (!(probability > 0 && probability < 1)) {
            throw new IllegalArgumentException("dropout probability must be in (0, 1) but is " + probability);
        }
        this.probability = probability;
        this.seed = seed;
        this.random = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** Positions the random stream at training pass {@code pass} (from 0). */
    public void startPass(long pass) {
        random.setSeed(seed * 0x9E3779B97F4A7C15L + pass);
    }

    /** A fresh mask of 0 and {@code 1/(1-p)}. */
    public INDArray mask(long[] shape, DataType dataType) {
        return Nd4j.rand(random, shape).lt(1 - probability).castTo(dataType).muli(1 / (1 - probability));
    }

    public double probability() {
        return probability;
    }
}
