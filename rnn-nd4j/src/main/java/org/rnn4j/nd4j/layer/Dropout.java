package org.rnn4j.nd4j.layer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
    private DropoutFrame frame;

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
        startPass(pass, null);
    }

    /** As {@link #startPass(long)}, for a pass that computes the rows of {@code frame} (null: the whole batch). */
    public void startPass(long pass, DropoutFrame frame) {
        random.setSeed(seed * 0x9E3779B97F4A7C15L + pass);
        this.frame = frame;
    }

    /**
     * A fresh mask of 0 and {@code 1/(1-p)}: of {@code shape}, or, within a frame, the frame's rows of the mask of
     * the whole batch ({@code [T, B, H]} time-major, or {@code [B, F]}).
     */
    public INDArray mask(long[] shape, DataType dataType) {
        if (frame == null) {
            return draw(shape, dataType);
        }
        long[] rows = java.util.Arrays.stream(frame.rows()).asLongStream().toArray();
        long[] whole = shape.clone();
        if (shape.length == 3 && shape[1] == rows.length && shape[0] <= frame.steps()) {
            whole[0] = frame.steps();
            whole[1] = frame.batch();
            return draw(whole, dataType).get(NDArrayIndex.interval(0, shape[0]), NDArrayIndex.indices(rows),
                    NDArrayIndex.all()).dup('c');
        }
        if (shape.length == 2 && shape[0] == rows.length) {
            whole[0] = frame.batch();
            return draw(whole, dataType).get(NDArrayIndex.indices(rows), NDArrayIndex.all()).dup('c');
        }
        throw new IllegalStateException("a dropout frame of " + rows.length + " rows does not fit a mask of shape "
                + java.util.Arrays.toString(shape));
    }

    private INDArray draw(long[] shape, DataType dataType) {
        return Nd4j.rand(random, shape).lt(1 - probability).castTo(dataType).muli(1 / (1 - probability));
    }

    public double probability() {
        return probability;
    }
}
