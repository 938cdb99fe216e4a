package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The LSTM and GRU backward steps on Java arrays ({@code backwardOnArrays}, the float32 path) give the same bits as
 * the equations element by element in float (the JIT's vectorised loop computes each element in the same order):
 * rows at offsets and strides, a cell gradient that overwrites the previous step's and a hidden gradient that adds
 * to it.
 */
class BackwardOnArraysTest {
    private static final int ROWS = 3;
    private static final int UNITS = 7;
    private static final int STRIDE = 2 * UNITS + 3; // a partition's columns inside wider state rows
    private static final int FIRST = 2;

    @Test
    void lstmRowsEqualTheEquationsInFloat() {
        SplittableRandom random = new SplittableRandom(3);
        float[] gates = uniform(random, 5 + 4 * UNITS * ROWS, 0, 1);
        float[] tanhC = uniform(random, 1 + UNITS * ROWS, -1, 1);
        float[] dh = uniform(random, 1 + UNITS * ROWS, -1, 1);
        float[] dc = uniform(random, FIRST + STRIDE * ROWS, -1, 1);
        float[] previousC = uniform(random, FIRST + STRIDE * ROWS, -2, 2);
        float[] previousDc = uniform(random, FIRST + STRIDE * ROWS, -1, 1);
        float[] dGates = new float[gates.length];
        float[] expectedGates = dGates.clone();
        float[] expectedDc = dc.clone();
        float[] expectedPreviousDc = previousDc.clone();
        for (int k = 0; k < ROWS; k++) {
            for (int j = 0; j < UNITS; j++) {
                int g0 = 5 + 4 * UNITS * k;
                int a0 = 1 + UNITS * k;
                int s0 = FIRST + STRIDE * k;
                float i = gates[g0 + j];
                float f = gates[g0 + UNITS + j];
                float g = gates[g0 + 2 * UNITS + j];
                float o = gates[g0 + 3 * UNITS + j];
                float tc = tanhC[a0 + j];
                float dhv = dh[a0 + j];
                float dcv = expectedDc[s0 + j] + dhv * o * (1 - tc * tc);
                expectedDc[s0 + j] = dcv;
                expectedGates[g0 + j] = dcv * g * (i - i * i);
                expectedGates[g0 + UNITS + j] = dcv * previousC[s0 + j] * (f - f * f);
                expectedGates[g0 + 2 * UNITS + j] = dcv * i * (1 - g * g);
                expectedGates[g0 + 3 * UNITS + j] = dhv * tc * (o - o * o);
                expectedPreviousDc[s0 + j] = dcv * f;
            }
        }
        FloatBuffer dcBuffer = FloatBuffer.wrap(dc);
        FloatBuffer dGatesBuffer = FloatBuffer.wrap(dGates);
        FloatBuffer previousDcBuffer = FloatBuffer.wrap(previousDc);
        HostKernels.Lstm.backwardOnArrays(FloatBuffer.wrap(gates), dGatesBuffer, 5, FloatBuffer.wrap(tanhC),
                FloatBuffer.wrap(dh), 1, dcBuffer, FIRST, FloatBuffer.wrap(previousC), previousDcBuffer, FIRST,
                STRIDE, ROWS, UNITS);
        assertArrayEquals(expectedGates, dGates, "gate gradients");
        assertArrayEquals(expectedDc, dc, "cell gradients");
        assertArrayEquals(expectedPreviousDc, previousDc, "previous cell gradients");
    }

    @Test
    void gruRowsEqualTheEquationsInFloat() {
        SplittableRandom random = new SplittableRandom(4);
        float[] gates = uniform(random, 4 + 3 * UNITS * ROWS, 0, 1);
        float[] hproj = uniform(random, gates.length, -1, 1);
        float[] dh = uniform(random, 1 + UNITS * ROWS, -1, 1);
        float[] previousDh = uniform(random, 2 + UNITS * ROWS, -1, 1);
        float[] previousH = uniform(random, FIRST + STRIDE * ROWS, -1, 1);
        float[] dGates = new float[gates.length];
        float[] dHproj = new float[gates.length];
        float[] expectedGates = dGates.clone();
        float[] expectedHproj = dHproj.clone();
        float[] expectedPreviousDh = previousDh.clone();
        for (int k = 0; k < ROWS; k++) {
            for (int j = 0; j < UNITS; j++) {
                int g0 = 4 + 3 * UNITS * k;
                float r = gates[g0 + j];
                float z = gates[g0 + UNITS + j];
                float n = gates[g0 + 2 * UNITS + j];
                float dhv = dh[1 + UNITS * k + j];
                float dn = dhv * (1 - z) * (1 - n * n);
                float dz = (previousH[FIRST + STRIDE * k + j] - n) * dhv * (z - z * z);
                float dr = dn * hproj[g0 + 2 * UNITS + j] * (r - r * r);
                expectedGates[g0 + j] = dr;
                expectedGates[g0 + UNITS + j] = dz;
                expectedGates[g0 + 2 * UNITS + j] = dn;
                expectedHproj[g0 + j] = dr;
                expectedHproj[g0 + UNITS + j] = dz;
                expectedHproj[g0 + 2 * UNITS + j] = dn * r;
                int d0 = 2 + UNITS * k + j;
                expectedPreviousDh[d0] = expectedPreviousDh[d0] + dhv * z;
            }
        }
        HostKernels.Gru.backwardOnArrays(FloatBuffer.wrap(gates), FloatBuffer.wrap(hproj), FloatBuffer.wrap(dGates),
                FloatBuffer.wrap(dHproj), 4, FloatBuffer.wrap(dh), 1, FloatBuffer.wrap(previousDh), 2,
                FloatBuffer.wrap(previousH), FIRST, STRIDE, ROWS, UNITS);
        assertArrayEquals(expectedGates, dGates, "gate gradients");
        assertArrayEquals(expectedHproj, dHproj, "recurrent projection gradients");
        assertArrayEquals(expectedPreviousDh, previousDh, "previous hidden gradients");
    }

    private static float[] uniform(SplittableRandom random, int n, double from, double to) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextDouble(from, to);
        }
        return values;
    }
}
