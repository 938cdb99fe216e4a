package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

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

    private static float[] randoms(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }
}
