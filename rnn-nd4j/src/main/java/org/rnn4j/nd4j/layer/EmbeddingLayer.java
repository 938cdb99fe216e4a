package org.rnn4j.nd4j.layer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.internal.ParameterOwner;

/**
 * {@link Embedding} over token ids {@code [T, B]}: the forward pass is one row gather; the backward pass adds each
 * step's gradient into its token's row, in Java on a host copy (one pass over {@code T·B·dimension} numbers instead
 * of one native call per token).
 */
public final class EmbeddingLayer extends ParameterOwner {
    private final Embedding spec;

    EmbeddingLayer(Embedding spec, Parameters parameters, Parameters gradients) {
        super(parameters, gradients, spec.layout());
        this.spec = spec;
    }

    /**
     * Checks token ids: rank 2 ({@code [time, batch]}), whole numbers in {@code [0, vocabularySize)}.
     *
     * @return the ids as ints, time-major
     */
    public int[] ids(INDArray tokens) {
        Checks.shape(tokens, "input", "[time, batch] of token ids", Checks.ANY, Checks.ANY);
        if (tokens.length() == 0) {
            throw new IllegalArgumentException("input must have at least one step and one sequence but has shape "
                    + java.util.Arrays.toString(tokens.shape()));
        }
        double[] values = tokens.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        int[] ids = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (v != Math.rint(v) || v < 0 || v >= spec.vocabularySize()) {
                throw new IllegalArgumentException("input[" + i / tokens.size(1) + ", " + i % tokens.size(1)
                        + "] must be a token id in [0, " + (spec.vocabularySize() - 1) + "] but is " + v
                        + " (map unknown tokens to an out-of-vocabulary id first)");
            }
            ids[i] = (int) v;
        }
        return ids;
    }

    /** {@code [T, B]} ids → {@code [T, B, dimension]} vectors (new). */
    public INDArray forward(INDArray tokens) {
        int[] ids = ids(tokens);
        return Nd4j.pullRows(parameters.get("weight"), 1, ids, 'c')
                .reshape('c', tokens.size(0), tokens.size(1), spec.dimension());
    }

    /** Adds {@code dL/dvectors} ({@code [T, B, dimension]}) into the rows of the tokens; padding gets nothing. */
    public void backward(INDArray tokens, INDArray vectorGradients) {
        int[] ids = ids(tokens);
        Checks.shape(vectorGradients, "vectorGradients", "[time, batch, dimension]", tokens.size(0), tokens.size(1),
                spec.dimension());
        int dim = spec.dimension();
        double[] d = vectorGradients.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        double[] sum = new double[spec.vocabularySize() * dim];
        for (int r = 0; r < ids.length; r++) {
            if (ids[r] == spec.paddingId()) {
                continue;
            }
            int base = ids[r] * dim;
            for (int j = 0; j < dim; j++) {
                sum[base + j] += d[r * dim + j];
            }
        }
        gradients.get("weight").addi(Nd4j.createFromArray(sum).reshape(spec.vocabularySize(), dim)
                .castTo(parameters.dataType()));
    }

    public Embedding spec() {
        return spec;
    }
}
