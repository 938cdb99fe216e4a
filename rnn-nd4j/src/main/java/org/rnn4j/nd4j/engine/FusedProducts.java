package org.rnn4j.nd4j.engine;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.internal.MatrixViews;
import org.rnn4j.nd4j.internal.ReusedGemm;

/**
 * The matrix products of {@link FusedRecurrentLayer}: the input projection, the per-step recurrent products, the
 * weight, bias and input gradients, each for one partition of the hidden units ({@link FusedBuffers}), and the
 * per-pass copies of a partition's share of the weights they need. With one partition they are the plain products
 * over the whole gate matrices, which every backend runs.
 */
final class FusedProducts {
    private final RecurrentCellSpec spec;
    private final Parameters parameters;
    private final Parameters gradients;
    private final boolean gru;

    /** The biases and their gradients as {@code [1, G*H]} rows (views made once: a view per pass allocates). */
    private final INDArray inputBiasRow;
    private final INDArray recurrentBiasRow;
    private final INDArray inputBiasGradientRow;
    private final INDArray recurrentBiasGradientRow;

    FusedProducts(RecurrentCellSpec spec, Parameters parameters, Parameters gradients) {
        this.spec = spec;
        this.parameters = parameters;
        this.gradients = gradients;
        this.gru = spec instanceof Gru;
        long columns = (long) spec.gates() * spec.hiddenSize();
        this.inputBiasRow = spec.bias() ? w("bias_ih").reshape(1, columns) : null;
        this.recurrentBiasRow = spec.bias() ? w("bias_hh").reshape(1, columns) : null;
        this.inputBiasGradientRow = spec.bias() ? g("bias_ih").reshape(1, columns) : null;
        this.recurrentBiasGradientRow = spec.bias() ? g("bias_hh").reshape(1, columns) : null;
    }

    /** Partition p's input projection, after gathering its share of this pass's weights (more than one partition). */
    void project(FusedBuffers b, int p) {
        if (b.partitions == 1) {
            project(b);
            packRecurrentWeights(b, 0, w("weight_hh"));
            return;
        }
        gatherPartitionWeights(b, p);
        project(b, p, b.inputWeights[p], b.inputBias[p], b.recurrentBias[p]);
        packRecurrentWeights(b, p, b.recurrentWeights[p]);
    }

    /** Partition p's gate rows of this pass's weights and biases into its own arrays (more than one partition). */
    private void gatherPartitionWeights(FusedBuffers b, int p) {
        gatherPartitionRows(b, p, "weight_ih", b.inputWeights[p], spec.inputSize());
        gatherPartitionRows(b, p, "weight_hh", b.recurrentWeights[p], spec.hiddenSize());
        if (spec.bias()) {
            gatherPartitionRows(b, p, "bias_ih", b.inputBias[p], 1);
            gatherPartitionRows(b, p, "bias_hh", b.recurrentBias[p], 1);
        }
    }

    /**
     * Instead of {@link #project(FusedBuffers, int)} for {@link JoinedLstmSteps}: partition p's rows of
     * {@code [W_ih | W_hh]} packed with inner dimension {@code I + H}, and its biases summed ({@code b_ih + b_hh},
     * in float as the projection sums them).
     */
    void packJoined(FusedBuffers b, int p) {
        INDArray inputWeights = w("weight_ih");
        INDArray recurrentWeights = w("weight_hh");
        INDArray inputBias = inputBiasRow;
        INDArray recurrentBias = recurrentBiasRow;
        if (b.partitions > 1) {
            gatherPartitionWeights(b, p);
            inputWeights = b.inputWeights[p];
            recurrentWeights = b.recurrentWeights[p];
            inputBias = b.inputBias[p];
            recurrentBias = b.recurrentBias[p];
        }
        int rows = Math.toIntExact(spec.gates() * b.partHidden);
        int inner = spec.inputSize() + spec.hiddenSize();
        float[] packed = VectorProducts.packedArray(rows, inner, b.packedJoinedWeights[p]);
        packJoinedRows(b, p, inputWeights, recurrentWeights, 0, rows, packed);
        b.packedJoinedWeights[p] = packed;
        b.joinedBias[p] = sumBiases(b, p, inputBias, recurrentBias, rows, b.joinedBias[p]);
    }

    /**
     * For {@link JoinedLstmSteps#forwardRowGroup}: group g's share of the panels of the whole {@code [W_ih | W_hh]}
     * packed into {@link FusedBuffers#packedWholeWeights} (the array made before the groups start), and group 0 sums
     * the biases.
     */
    void packWholeJoined(FusedBuffers b, int group, int groups) {
        int rows = spec.gates() * spec.hiddenSize();
        int panels = (rows + VectorProducts.PANEL - 1) / VectorProducts.PANEL;
        int from = Math.min(rows, panels * group / groups * VectorProducts.PANEL);
        int to = Math.min(rows, panels * (group + 1) / groups * VectorProducts.PANEL);
        packJoinedRows(b, group, w("weight_ih"), w("weight_hh"), from, to - from, b.packedWholeWeights);
        if (group == 0) {
            b.wholeBias = sumBiases(b, group, inputBiasRow, recurrentBiasRow, rows, b.wholeBias);
        }
    }

    /** Packs rows {@code [from, from + rows)} of {@code [W_ih | W_hh]}, inner dimension {@code I + H}. */
    private void packJoinedRows(FusedBuffers b, int p, INDArray inputWeights, INDArray recurrentWeights, int from,
                                int rows, float[] packed) {
        int inner = spec.inputSize() + spec.hiddenSize();
        VectorProducts.packColumns(b.host(p, inputWeights).floats(), 0, from, rows, spec.inputSize(), packed, 0,
                inner);
        VectorProducts.packColumns(b.host(p, recurrentWeights).floats(), 0, from, rows, spec.hiddenSize(), packed,
                spec.inputSize(), inner);
    }

    /** {@code b_ih + b_hh} in float (as the projection sums them), zeros without biases; reuses {@code sum}. */
    private float[] sumBiases(FusedBuffers b, int p, INDArray inputBias, INDArray recurrentBias, int rows,
                              float[] sum) {
        float[] target = sum != null && sum.length == rows ? sum : new float[rows];
        if (spec.bias()) {
            FloatBuffer input = b.host(p, inputBias).floats();
            FloatBuffer recurrent = b.host(p, recurrentBias).floats();
            for (int j = 0; j < rows; j++) {
                target[j] = input.get(j) + recurrent.get(j);
            }
        }
        return target;
    }

    private void packRecurrentWeights(FusedBuffers b, int p, INDArray weights) {
        if (b.plan.packedProducts()) {
            b.packedRecurrentWeights[p] = VectorProducts.packTransposed(b.host(p, weights).floats(), 0,
                    Math.toIntExact(weights.size(0)), spec.hiddenSize(), b.packedRecurrentWeights[p]);
        }
    }

    /** Copies partition p's gate rows of parameter {@code name} into its own {@code [G*Hp, columns]} array. */
    private void gatherPartitionRows(FusedBuffers b, int p, String name, INDArray partArray, int columns) {
        PartitionWeights.gatherRows(b.host(p, w(name)), b.host(p, partArray), spec.gates(), spec.hiddenSize(),
                Math.toIntExact(b.partHidden), p, columns);
    }

    /** The input projection of every step, biases included: {@code gates = x·W_ihᵀ + b} (GRU: hproj = b_hh). */
    void project(FusedBuffers b) {
        project(b, 0, w("weight_ih"), inputBiasRow, recurrentBiasRow);
    }

    /**
     * Partition p's projection as reused GEMMs (no temporaries: steppers run this per step): the biases as products
     * of a column of ones with the bias rows, then {@code += x·W_ihᵀ}.
     */
    private void project(FusedBuffers b, int p, INDArray inputWeights, INDArray inputBias, INDArray recurrentBias) {
        INDArray gates = b.part(b.gates, p);
        boolean bias = spec.bias();
        if (bias) {
            b.passGemm(p, 0, () -> new ReusedGemm(b.ones(), inputBias, gates, true, false, 1.0, 0.0)).run();
            INDArray recurrentTarget = gru ? b.part(b.hproj, p) : gates;
            b.passGemm(p, 1, () -> new ReusedGemm(b.ones(), recurrentBias, recurrentTarget, true, false, 1.0,
                    gru ? 0.0 : 1.0)).run();
        } else if (gru) {
            b.zero(p, b.part(b.hproj, p));
        }
        b.passGemm(p, 2, () -> new ReusedGemm(b.x, inputWeights, gates, false, true, 1.0, bias ? 1.0 : 0.0)).run();
    }

    /** Step t's recurrent product for partition p's gates: {@code += h_{t-1}·W_hhᵀ} (first n rows). */
    void recurrent(FusedBuffers b, int p, int t, long n) {
        if (b.plan.packedProducts()) {
            int hidden = spec.hiddenSize();
            int width = Math.toIntExact(spec.gates() * b.partHidden);
            VectorProducts.addProductTransposed(b.host(p, t == 0 ? b.h0 : b.h).floats(),
                    Math.toIntExact(t == 0 ? 0 : (t - 1) * b.batch * hidden),
                    b.host(p, b.part(gru ? b.hproj : b.gates, p)).floats(), Math.toIntExact(t * b.batch * width),
                    Math.toIntExact(n), hidden, width, b.packedRecurrentWeights[p]);
            return;
        }
        INDArray weights = b.partitions == 1 ? w("weight_hh") : b.recurrentWeights[p];
        b.stepGemm(FusedBuffers.GemmKind.FORWARD, t, n, p, p, () -> new ReusedGemm(b.previous(p, b.h, b.h0, t, n),
                weights, b.rows(p, b.part(gru ? b.hproj : b.gates, p), t, n), false, true, 1.0, 1.0)).run();
    }

    /** Partition p's transposed blocks of {@code W_hh} for its recurrent gradient (more than one partition). */
    void gatherBackwardWeights(FusedBuffers b, int p) {
        if (b.partitions == 1) {
            return; // one partition multiplies by the whole W_hh
        }
        int units = Math.toIntExact(b.partHidden);
        for (int q = 0; q < b.partitions; q++) {
            if (b.plan.packedProducts()) {
                b.packedBackwardWeights[q][p] = VectorProducts.packTransposedBlock(b.host(p, w("weight_hh")).floats(),
                        spec.gates(), spec.hiddenSize(), units, q, p, b.packedBackwardWeights[q][p]);
            } else {
                PartitionWeights.gatherTransposed(b.host(p, w("weight_hh")), b.host(p, b.backwardWeights(q, p)),
                        spec.gates(), spec.hiddenSize(), units, q, p);
            }
        }
    }

    /** {@code dh_{t-1} += dHproj_t · W_hh} for partition p's units: from every partition's gate gradients. */
    void recurrentGradient(FusedBuffers b, int p, int t, long n, INDArray recurrentWeightsF) {
        if (b.plan.packedProducts() && b.partitions > 1) { // on the transposed blocks packed in gatherBackwardWeights
            int width = Math.toIntExact(spec.gates() * b.partHidden);
            int units = Math.toIntExact(b.partHidden);
            for (int q = 0; q < b.partitions; q++) {
                VectorProducts.addProductTransposed(b.host(p, b.part(b.dHproj, q)).floats(),
                        Math.toIntExact(t * b.batch * width),
                        b.host(p, t == 0 ? b.part(b.dh0, p) : b.part(b.dh, p)).floats(),
                        Math.toIntExact(t == 0 ? 0 : (t - 1) * b.batch * units), Math.toIntExact(n), width, units,
                        b.packedBackwardWeights[q][p]);
            }
            return;
        }
        INDArray target = b.previous(p, b.part(b.dh, p), b.part(b.dh0, p), t, n);
        if (b.partitions == 1) { // with one partition the whole W_hh in f order: no packed copy needed
            b.stepGemm(FusedBuffers.GemmKind.BACKWARD, t, n, 0, 0, () -> new ReusedGemm(b.rows(b.dHproj, t, n),
                    recurrentWeightsF, target, false, false, 1.0, 1.0)).run();
            return;
        }
        for (int q = 0; q < b.partitions; q++) {
            int source = q;
            b.stepGemm(FusedBuffers.GemmKind.BACKWARD, t, n, p, q, () -> new ReusedGemm(
                    b.rows(p, b.part(b.dHproj, source), t, n), b.backwardWeights(source, p), target, false, true, 1.0,
                    1.0)).run();
        }
    }

    /**
     * Partition p's rows of the weight and bias gradients, each a GEMM over the whole sequence:
     * {@code dW_ih += dGatesᵀ·x}, {@code dW_hh += dHprojᵀ·h_{t-1}} (step 0 reads h0, steps 1.. read the output rows
     * one block earlier), bias gradients as column sums (GEMMs with a ones row, not strided reductions). With more
     * than one partition they go to the partition's own arrays (contiguous operands: the products over strided
     * gate-column blocks ran slower and made ND4J copy them) and are then added to the gradients' rows in Java.
     */
    void weightGradients(FusedBuffers b, int p) {
        long batch = b.batch;
        long steps = b.steps;
        boolean split = b.partitions > 1;
        INDArray dGates = b.part(b.dGates, p);
        INDArray dHproj = b.part(b.dHproj, p);
        INDArray dWih = split ? b.inputWeightGradient[p] : g("weight_ih");
        INDArray dWhh = split ? b.recurrentWeightGradient[p] : g("weight_hh");
        double beta = split ? 0.0 : 1.0;
        b.passGemm(p, 3, () -> new ReusedGemm(dGates, b.x, dWih, true, false, 1.0, beta)).run();
        b.passGemm(p, 4, () -> new ReusedGemm(b.rows(p, dHproj, 0, batch), b.h0, dWhh, true, false, 1.0, beta)).run();
        if (steps > 1) {
            b.passGemm(p, 5, () -> new ReusedGemm(b.span(p, dHproj, batch, steps * batch),
                    b.span(p, b.h, 0, (steps - 1) * batch), dWhh, true, false, 1.0, 1.0)).run();
        }
        // an LSTM's recurrent gate gradients are its input gate gradients (one buffer): with partitions, whose sums
        // are written afresh, the one sum serves both biases
        boolean oneBiasSum = split && b.dHproj == b.dGates;
        if (spec.bias()) {
            b.passGemm(p, 6, () -> new ReusedGemm(b.ones(), dGates, split ? b.inputBiasGradient[p]
                    : inputBiasGradientRow, false, false, 1.0, beta)).run();
            if (!oneBiasSum) {
                b.passGemm(p, 7, () -> new ReusedGemm(b.ones(), dHproj, split ? b.recurrentBiasGradient[p]
                        : recurrentBiasGradientRow, false, false, 1.0, beta)).run();
            }
        }
        if (split) {
            addPartitionRows(b, p, dWih, "weight_ih", spec.inputSize());
            addPartitionRows(b, p, dWhh, "weight_hh", spec.hiddenSize());
            if (spec.bias()) {
                addPartitionRows(b, p, b.inputBiasGradient[p], "bias_ih", 1);
                addPartitionRows(b, p, oneBiasSum ? b.inputBiasGradient[p] : b.recurrentBiasGradient[p], "bias_hh",
                        1);
            }
        }
    }

    /** Adds partition p's gradient rows ({@code [G*Hp, columns]}) into the gradient {@code name}'s gate rows. */
    private void addPartitionRows(FusedBuffers b, int p, INDArray partGradient, String name, int columns) {
        PartitionWeights.scatterAddRows(b.host(p, partGradient), b.host(p, g(name)), spec.gates(), spec.hiddenSize(),
                Math.toIntExact(b.partHidden), p, columns);
    }

    /** Partition p's share of the rows of {@code dL/dx = Σ_q dGates_q · W_ih_q}. */
    void inputGradient(FusedBuffers b, int p, INDArray dx) {
        if (b.partitions == 1) {
            Nd4j.gemm(b.dGates, w("weight_ih"), dx, false, false, 1.0, 0.0);
            return;
        }
        long rows = dx.size(0);
        long from = rows * p / b.partitions;
        long to = rows * (p + 1) / b.partitions;
        if (from == to) {
            return;
        }
        INDArray target = MatrixViews.rows(dx, from, to);
        for (int q = 0; q < b.partitions; q++) {
            INDArray dGates = b.span(p, b.part(b.dGates, q), from, to);
            Nd4j.gemm(dGates, b.inputWeights[q], target, false, false, 1.0, q == 0 ? 0.0 : 1.0);
        }
    }

    private INDArray w(String name) {
        return parameters.get(name);
    }

    private INDArray g(String name) {
        return gradients.get(name);
    }
}
