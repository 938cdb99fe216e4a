package org.rnn4j.spark;

import java.io.Serializable;

/**
 * One partition's part of a step: how many of the batch's examples it holds, the sum of their losses, and the sum of
 * their gradients (each share's mean times its count), flat in the model's parameter order; no gradient when it holds
 * none; and how long its computation took on the executor.
 */
record Share(int partition, int count, double lossSum, double[] gradientSum, double seconds)
        implements Serializable {
}
