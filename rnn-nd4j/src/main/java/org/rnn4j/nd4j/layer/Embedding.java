package org.rnn4j.nd4j.layer;

import java.util.SplittableRandom;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

/**
 * A lookup table from token ids to vectors, PyTorch's {@code nn.Embedding}: {@code weight [vocabularySize,
 * dimension]}, initialised from N(0, 1). The row of {@code paddingId} (if {@code >= 0}) starts at zero and never gets a
 * gradient, so padding stays a zero vector.
 *
 * @param paddingId the padding token's id, or {@link #NO_PADDING}
 */
public record Embedding(int vocabularySize, int dimension, int paddingId) {
    public static final int NO_PADDING = -1;

    public Embedding {
        Checks.positive(vocabularySize, "vocabularySize");
        Checks.positive(dimension, "dimension");
        if (paddingId < NO_PADDING || paddingId >= vocabularySize) {
            throw new IllegalArgumentException("paddingId must be in [0, " + (vocabularySize - 1) + "] or "
                    + NO_PADDING + " but is " + paddingId);
        }
    }

    public ParameterLayout layout() {
        return ParameterLayout.builder().add("weight", vocabularySize, dimension).build();
    }

    public void initialize(Parameters parameters, SplittableRandom random) {
        double[] v = new double[vocabularySize * dimension];
        for (int i = 0; i < v.length; i++) {
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            v[i] = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        }
        if (paddingId >= 0) {
            java.util.Arrays.fill(v, paddingId * dimension, (paddingId + 1) * dimension, 0);
        }
        parameters.get("weight").assign(org.nd4j.linalg.factory.Nd4j.createFromArray(v)
                .reshape(vocabularySize, dimension).castTo(parameters.dataType()));
    }

    public EmbeddingLayer create(Parameters parameters, Parameters gradients) {
        return new EmbeddingLayer(this, parameters, gradients);
    }
}
