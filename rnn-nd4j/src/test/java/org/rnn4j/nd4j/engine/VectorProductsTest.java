package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.internal.HostArray;

/**
 * The packed product kernel gives the same bits at every vector width: each element equals the scalar sum
 * {@code base + fma(a_k, w_k, ...)} over the inner index in order, for every number of rows (the four-row blocks and
 * the single-row tail) and every number of columns (whole panels and a partial last one). The build runs this class
 * at 128, 256 and 512 bits ({@code rnn4j.vectorBits}, surefire executions {@code vector-*}), on any host: the kernel
 * is called directly, so a width the hardware lacks runs too (in the Vector API's Java fallback).
 */
class VectorProductsTest {
    @Test
    void productEqualsTheInOrderScalarSumForEveryShape() {
        SplittableRandom random = new SplittableRandom(4);
        int[] outers = {1, 7, VectorProducts.PANEL - 1, VectorProducts.PANEL, VectorProducts.PANEL + 3,
                3 * VectorProducts.PANEL, 100};
        for (int rows = 1; rows <= 9; rows++) {
            for (int outer : outers) {
                int inner = 5 + rows * 3;
                float[] left = randoms(random, rows * inner);
                float[] w = randoms(random, outer * inner);
                float[] bias = randoms(random, outer);
                float[] packed = VectorProducts.packTransposed(FloatBuffer.wrap(w), 0, outer, inner, null);
                float[] product = new float[rows * outer];
                VectorProducts.biasPlusProduct(left, rows, inner, outer, packed, bias, product);
                float[] added = randoms(random, rows * outer);
                float[] addedExpected = added.clone();
                VectorProducts.addProduct(left, rows, inner, outer, packed, added);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < outer; j++) {
                        float sum = 0;
                        for (int k = 0; k < inner; k++) {
                            sum = Math.fma(left[r * inner + k], w[j * inner + k], sum);
                        }
                        String at = rows + " x " + outer + ", element (" + r + ", " + j + ")";
                        assertEquals(Float.floatToRawIntBits(bias[j] + sum),
                                Float.floatToRawIntBits(product[r * outer + j]), at + " of bias + product");
                        assertEquals(Float.floatToRawIntBits(addedExpected[r * outer + j] + sum),
                                Float.floatToRawIntBits(added[r * outer + j]), at + " of c + product");
                    }
                }
            }
        }
    }

    /** Two parts packed side by side ({@code [W_ih | W_hh]}) read as one matrix, and row ranges packed separately. */
    @Test
    void packingByPartsAndRowRangesEqualsPackingTheWhole() {
        SplittableRandom random = new SplittableRandom(5);
        int rows = 3 * VectorProducts.PANEL + 5;
        int first = 6;
        int second = 11;
        float[] a = randoms(random, rows * first);
        float[] b = randoms(random, rows * second);
        float[] whole = new float[rows * (first + second)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a, r * first, whole, r * (first + second), first);
            System.arraycopy(b, r * second, whole, r * (first + second) + first, second);
        }
        float[] expected = VectorProducts.packTransposed(FloatBuffer.wrap(whole), 0, rows, first + second, null);
        float[] parts = VectorProducts.packedArray(rows, first + second, null);
        int split = 2 * VectorProducts.PANEL;
        for (int[] range : new int[][] {{0, split}, {split, rows - split}}) {
            VectorProducts.packColumns(FloatBuffer.wrap(a), 0, range[0], range[1], first, parts, 0, first + second);
            VectorProducts.packColumns(FloatBuffer.wrap(b), 0, range[0], range[1], second, parts, first,
                    first + second);
        }
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(parts));
    }

    /**
     * A partition's transposed block of {@code W_hh}, packed straight from {@code W_hh}, equals the block gathered
     * ({@link PartitionWeights#gatherTransposed}) and then packed: LSTM and GRU gate counts, units per partition below,
     * at and past a panel, two and three partitions, every (q, p).
     */
    @Test
    void backwardBlocksPackedFromTheWeightsEqualGatheringThenPacking() {
        SplittableRandom random = new SplittableRandom(6);
        for (int gates : new int[] {3, 4}) {
            for (int units : new int[] {5, VectorProducts.PANEL, VectorProducts.PANEL + 7}) {
                for (int partitions : new int[] {2, 3}) {
                    int hidden = units * partitions;
                    float[] weights = randoms(random, gates * hidden * hidden);
                    HostArray source = HostArray.of(Nd4j.createFromArray(weights));
                    for (int q = 0; q < partitions; q++) {
                        for (int p = 0; p < partitions; p++) {
                            INDArray block = Nd4j.create(DataType.FLOAT, units, (long) gates * units);
                            PartitionWeights.gatherTransposed(source, HostArray.of(block), gates, hidden, units, q, p);
                            float[] expected = VectorProducts.packTransposed(FloatBuffer.wrap(block.data().asFloat()),
                                    0, units, gates * units, null);
                            float[] direct = VectorProducts.packTransposedBlock(FloatBuffer.wrap(weights), gates,
                                    hidden, units, q, p, null);
                            assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(direct),
                                    gates + " gates, " + units + " units, block (" + q + ", " + p + ") of "
                                            + partitions);
                        }
                    }
                }
            }
        }
    }

    private static float[] randoms(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }
}
