package org.rnn4j.nd4j.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The one way lengths become a mask: {@code [T, B]}, 1 on each sequence's valid steps and 0 on its padding. */
public final class StepMask {
    private StepMask() {
    }

    /** Lengths already checked ({@link Inputs#lengths}); {@code null} means every step is valid. */
    public static INDArray of(int[] lengths, long steps, long batch, DataType type) {
        double[] mask = new double[Math.toIntExact(steps * batch)];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                mask[Math.toIntExact(t * batch + b)] = lengths == null || t < lengths[b] ? 1 : 0;
            }
        }
        return Nd4j.createFromArray(mask).castTo(type).reshape(steps, batch);
    }
}
