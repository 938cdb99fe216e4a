package org.rnn4j.train.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A padded mini-batch: {@code input} {@code [T, B]} token ids or {@code [T, B, F]} vectors (T = the longest
 * sequence), each sequence's {@code lengths}, {@code targets} {@code [B, O]} (or {@code [B]} class indices), and
 * the dataset {@code indices} the rows came from.
 */
public record Batch(INDArray input, int[] lengths, INDArray targets, int[] indices) {
    public int size() {
        return lengths.length;
    }
}
