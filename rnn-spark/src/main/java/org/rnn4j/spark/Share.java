package org.rnn4j.spark;

import java.io.Serializable;

/**
 * One partition's part of a step: how many of the batch's examples it holds, the sum of their losses, and the sum of
 * their gradients (each share's mean times its count, in the model's data type), flat in the model's parameter
 * order; no gradient when it holds
 * none; and how long its computation took on the executor.
 */
record Share(int partition, int count, double lossSum, Object gradientSum, double seconds) implements Serializable {
    /** Adds the gradient sum (a {@code float[]} for a float32 model, half the bytes to move; else {@code double[]}). */
    void addTo(double[] sum) {
        if (gradientSum instanceof float[] f) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += f[i];
            }
        } else if (gradientSum instanceof double[] d) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += d[i];
            }
        }
    }
}
