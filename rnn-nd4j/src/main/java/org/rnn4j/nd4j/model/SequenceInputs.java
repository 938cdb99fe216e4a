package org.rnn4j.nd4j.model;

/**
 * The checks on one sequence of plain Java data that {@link SequenceModel#predictVectors} and
 * {@link SequenceModel#predictTokens} run, for callers that take sequences one at a time and batch them later (a
 * server answering each request apart): a sequence that passes cannot make the batch it joins fail.
 */
public final class SequenceInputs {
    private SequenceInputs() {
    }

    /**
     * Checks that {@code sequence} has at least one step, each of {@code inputSize} finite features.
     *
     * @param name how messages call the sequence, for example {@code "sequences[3]"}
     * @throws IllegalArgumentException naming the step (and feature) at fault and the expected and actual values
     */
    public static float[][] checkVectors(float[][] sequence, int inputSize, String name) {
        if (sequence == null || sequence.length == 0) {
            throw new IllegalArgumentException(name + " must have at least one step but is "
                    + (sequence == null ? "null" : "empty"));
        }
        for (int t = 0; t < sequence.length; t++) {
            float[] step = sequence[t];
            if (step == null || step.length != inputSize) {
                throw new IllegalArgumentException(name + "[" + t + "] must have " + inputSize
                        + " features (the model's input size) but has " + (step == null ? "null" : step.length));
            }
            for (int f = 0; f < inputSize; f++) {
                if (!Float.isFinite(step[f])) {
                    throw new IllegalArgumentException(name + "[" + t + "][" + f + "] must be finite but is "
                            + step[f]);
                }
            }
        }
        return sequence;
    }

    /**
     * Checks that {@code tokens} has at least one token, each a token id in {@code [0, vocabularySize)}.
     *
     * @param name how messages call the sequence, for example {@code "sequences[3]"}
     * @throws IllegalArgumentException naming the position at fault and the expected and actual values
     */
    public static int[] checkTokens(int[] tokens, int vocabularySize, String name) {
        if (tokens == null || tokens.length == 0) {
            throw new IllegalArgumentException(name + " must have at least one token but is "
                    + (tokens == null ? "null" : "empty"));
        }
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] >= vocabularySize) {
                throw new IllegalArgumentException(name + "[" + t + "] must be a token id in [0, "
                        + (vocabularySize - 1) + "] but is " + tokens[t]);
            }
        }
        return tokens;
    }
}
