package org.rnn4j.nd4j.model;

import org.rnn4j.api.Checks;

/**
 * Probabilities from a classifier's logits, as {@link SequenceModel#predictVectors} and
 * {@link SequenceModel#predictTokens} return them for a model whose head has no activation (trained with
 * {@code BinaryCrossEntropyWithLogits} or {@code SoftmaxCrossEntropy}): one logit per row gives
 * {@code σ(logit)}, the probability of the positive class; several give their softmax.
 */
public final class Probabilities {
    private Probabilities() {
    }

    /** A new array of the same shape: each row's sigmoid (one column) or softmax (several). */
    public static float[][] of(float[][] logits) {
        Checks.notNull(logits, "logits");
        float[][] p = new float[logits.length][];
        for (int r = 0; r < logits.length; r++) {
            float[] row = Checks.notNull(logits[r], "logits[" + r + "]");
            if (row.length == 0) {
                throw new IllegalArgumentException("logits[" + r + "] must not be empty");
            }
            p[r] = new float[row.length];
            if (row.length == 1) {
                p[r][0] = (float) (1 / (1 + Math.exp(-row[0])));
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (float v : row) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : row) {
                sum += Math.exp(v - max);
            }
            for (int k = 0; k < row.length; k++) {
                p[r][k] = (float) (Math.exp(row[k] - max) / sum);
            }
        }
        return p;
    }
}
