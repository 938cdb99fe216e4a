package org.rnn4j.spark;

import java.io.Serializable;
import org.rnn4j.api.Checks;

/**
 * One training example as Spark moves it: a sequence of token ids or of feature vectors, and its target vector (or
 * a class index as a one-element target, see {@link SparkSequenceData#targetsAsIndices}).
 */
public record SparkExample(int[] tokens, float[][] vectors, float[] target) implements Serializable {
    public SparkExample {
        if ((tokens == null) == (vectors == null)) {
            throw new IllegalArgumentException("an example holds token ids or vectors, exactly one of them");
        }
        Checks.notNull(target, "target");
    }

    public static SparkExample ofTokens(int[] tokens, float... target) {
        return new SparkExample(Checks.notNull(tokens, "tokens"), null, target);
    }

    public static SparkExample ofVectors(float[][] vectors, float... target) {
        return new SparkExample(null, Checks.notNull(vectors, "vectors"), target);
    }

    public int length() {
        return tokens != null ? tokens.length : vectors.length;
    }
}
