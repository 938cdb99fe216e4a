package org.rnn4j.nd4j.model;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sequences of plain Java data as one padded, time-major batch and its lengths: what {@link SequenceModel}'s
 * {@code predictVectors} and {@code predictTokens} feed the model.
 */
record PaddedBatch(INDArray input, int[] lengths) {
    /** Sequences {@code [from, to)} of feature vectors ({@code [steps][inputSize]} each) as {@code [T, B, F]}. */
    static PaddedBatch ofVectors(List<float[][]> sequences, int from, int to, int inputSize, DataType type) {
        int batch = to - from;
        int[] lengths = new int[batch];
        int steps = 0;
        for (int b = 0; b < batch; b++) {
            float[][] sequence = SequenceInputs.checkVectors(sequences.get(from + b), inputSize,
                    "sequences[" + (from + b) + "]");
            lengths[b] = sequence.length;
            steps = Math.max(steps, sequence.length);
        }
        float[] values = new float[steps * batch * inputSize];
        for (int b = 0; b < batch; b++) {
            float[][] sequence = sequences.get(from + b);
            for (int t = 0; t < sequence.length; t++) {
                System.arraycopy(sequence[t], 0, values, (t * batch + b) * inputSize, inputSize);
            }
        }
        return new PaddedBatch(Nd4j.createFromArray(values).reshape('c', steps, batch, inputSize).castTo(type),
                lengths);
    }

    /**
     * Sequences {@code [from, to)} of token ids (each in {@code [0, vocabularySize)}) as {@code [T, B]}, padded with
     * {@code paddingId} (0 when the embedding has none: padded steps are never read).
     */
    static PaddedBatch ofTokens(List<int[]> sequences, int from, int to, int vocabularySize, int paddingId,
                                DataType type) {
        int batch = to - from;
        int[] lengths = new int[batch];
        int steps = 0;
        for (int b = 0; b < batch; b++) {
            int[] sequence = SequenceInputs.checkTokens(sequences.get(from + b), vocabularySize,
                    "sequences[" + (from + b) + "]");
            lengths[b] = sequence.length;
            steps = Math.max(steps, sequence.length);
        }
        float[] ids = new float[steps * batch];
        Arrays.fill(ids, Math.max(paddingId, 0));
        for (int b = 0; b < batch; b++) {
            int[] sequence = sequences.get(from + b);
            for (int t = 0; t < sequence.length; t++) {
                ids[t * batch + b] = sequence[t];
            }
        }
        return new PaddedBatch(Nd4j.createFromArray(ids).reshape('c', steps, batch).castTo(type), lengths);
    }
}
