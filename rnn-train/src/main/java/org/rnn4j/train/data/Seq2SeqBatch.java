package org.rnn4j.train.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A padded mini-batch of source and target pairs: {@code source} {@code [S, B]} and {@code target} {@code [T, B]}
 * token ids (S, T = the longest of each side), each side's lengths, and the dataset {@code indices} the columns
 * came from.
 */
public record Seq2SeqBatch(INDArray source, int[] sourceLengths, INDArray target, int[] targetLengths,
                           int[] indices) {
    public int size() {
        return indices.length;
    }

    /** The valid target steps: what the batch's mean loss is taken over. */
    public long targetSteps() {
        long n = 0;
        for (int length : targetLengths) {
            n += length;
        }
        return n;
    }
}
