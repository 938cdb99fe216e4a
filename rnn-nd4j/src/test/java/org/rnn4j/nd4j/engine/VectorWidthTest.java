package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.nd4j.internal.VectorSupport;

/**
 * The elementwise kernels give the same bits at every vector width: each element equals one computation of the
 * scalar lane ({@link VectorKernels#sigmoid(float)}), whatever the row's length and so wherever the vector loop
 * ends and the scalar tail begins. The build runs this class at 128, 256 and 512 bits ({@code rnn4j.vectorBits},
 * surefire executions {@code vector-*}) besides the host's default, so equality to the same scalar reference in each
 * of them proves every width equal.
 */
class VectorWidthTest {
    @Test
    void theWidthIsTheOneAskedFor() {
        String asked = System.getProperty(VectorSupport.BITS_PROPERTY);
        int expected = asked != null ? Integer.parseInt(asked)
                : Math.min(VectorSupport.hardwareBits(), VectorSupport.DEFAULT_MAX_BITS);
        assertEquals(expected, VectorSupport.bits());
        assertEquals(expected / Float.SIZE, VectorKernels.SPECIES.length());
        assertEquals(expected <= VectorSupport.hardwareBits(), VectorSupport.productKernelFits(),
                "the product kernel runs at every width the hardware has");
    }

    @Test
    void widthsOtherThan128256And512AreRejected() {
        assertEquals(512, VectorSupport.bits(null, 512), "the default is the hardware's width");
        assertEquals(256, VectorSupport.bits(null, 256));
        assertEquals(512, VectorSupport.bits(null, 2048), "the default stops at 512 bits (SVE can be wider)");
        assertEquals(128, VectorSupport.bits(null, 128));
        assertEquals(512, VectorSupport.bits(" 512 ", 256));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VectorSupport.bits("1024", 512));
        assertEquals("rnn4j.vectorBits must be 128, 256 or 512 but is '1024'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VectorSupport.bits("wide", 256));
    }

    /** The vector lanes and the scalar lane agree bit for bit over the whole range, edges and specials included. */
    @Test
    void vectorLanesEqualTheScalarLane() {
        int lanes = VectorKernels.SPECIES.length();
        float[] x = new float[lanes * 20000];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = i < 12 ? new float[] {0f, -0f, 1e-30f, -1e-30f, 87.3f, -87.3f, 88.3f, 88.4f, -90f, 1e30f, -1e30f,
                    Float.NaN}[i] : (float) (random.nextDouble(-100, 100) * (random.nextBoolean() ? 1 : 0.01));
        }
        float[] vector = x.clone();
        VectorKernelsTest.expInPlace(vector);
        for (int i = 0; i < x.length; i++) {
            float scalar = VectorKernels.exp(x[i]);
            if (Float.isNaN(x[i])) { // NaN's payload is the hardware's to choose
                assertTrue(Float.isNaN(scalar) && Float.isNaN(vector[i]), "e^NaN");
                continue;
            }
            assertEquals(Float.floatToRawIntBits(scalar), Float.floatToRawIntBits(vector[i]), "e^" + x[i]);
        }
    }

    /** Rows of 1 to 37 units (every split of a vector into loop and tail at 128, 256 and 512 bits) and 3 rows. */
    @Test
    void lstmRowsEqualTheScalarReferenceForEveryRowLength() {
        SplittableRandom random = new SplittableRandom(2);
        for (int units = 1; units <= 37; units++) {
            int rows = 3;
            float[] gates = randoms(random, rows * 4 * units, 6);
            float[] cells = randoms(random, rows * units, 2);
            float[] expectedGates = gates.clone();
            float[] expectedCells = cells.clone();
            float[] expectedH = new float[rows * units];
            for (int k = 0; k < rows; k++) {
                lstmRowReference(expectedGates, 4 * units * k, units, expectedCells, units * k, expectedH, units * k);
            }
            float[] h = new float[rows * units];
            HostKernels.Lstm.vectorRowsInArrays(gates, rows, units, cells, units, h, 0, units);
            assertArrayEquals(expectedGates, gates, units + " units: gates");
            assertArrayEquals(expectedCells, cells, units + " units: c");
            assertArrayEquals(expectedH, h, units + " units: h");
        }
    }

    @Test
    void gruRowsEqualTheScalarReferenceForEveryRowLength() {
        SplittableRandom random = new SplittableRandom(3);
        for (int units = 1; units <= 37; units++) {
            int rows = 3;
            float[] gates = randoms(random, rows * 3 * units, 6);
            float[] hproj = randoms(random, rows * 3 * units, 3);
            float[] previous = randoms(random, rows * units, 1);
            float[] expectedGates = gates.clone();
            float[] expectedH = new float[rows * units];
            for (int k = 0; k < rows; k++) {
                gruRowReference(expectedGates, hproj, 3 * units * k, units, previous, units * k, expectedH);
            }
            FloatBuffer gateBuffer = FloatBuffer.wrap(gates);
            FloatBuffer h = FloatBuffer.allocate(rows * units);
            HostKernels.Gru.vectorForward(gateBuffer, FloatBuffer.wrap(hproj), 0, FloatBuffer.wrap(previous), 0, h, 0,
                    units, rows, units);
            assertArrayEquals(expectedGates, gates, units + " units: gates");
            assertArrayEquals(expectedH, h.array(), units + " units: h");
        }
    }

    /** The LSTM step of {@code HostKernels.Lstm.vectorRow}, one element at a time. */
    private static void lstmRowReference(float[] g, int i0, int units, float[] c, int cAt, float[] h, int hAt) {
        int f0 = i0 + units;
        int g0 = f0 + units;
        int o0 = g0 + units;
        for (int j = 0; j < units; j++) {
            float i = VectorKernels.sigmoid(g[i0 + j]);
            float f = VectorKernels.sigmoid(g[f0 + j]);
            float gg = 2 * VectorKernels.sigmoid(2 * g[g0 + j]) - 1;
            float o = VectorKernels.sigmoid(g[o0 + j]);
            float ct = f * c[cAt + j] + i * gg;
            g[i0 + j] = i;
            g[f0 + j] = f;
            g[g0 + j] = gg;
            g[o0 + j] = o;
            c[cAt + j] = ct;
            h[hAt + j] = o * (2 * VectorKernels.sigmoid(2 * ct) - 1);
        }
    }

    /** The GRU step of {@code HostKernels.Gru.vectorForward}, one element at a time. */
    private static void gruRowReference(float[] g, float[] hp, int at, int units, float[] previous, int rowAt,
                                        float[] h) {
        for (int j = 0; j < units; j++) {
            float r = VectorKernels.sigmoid(g[at + j] + hp[at + j]);
            float z = VectorKernels.sigmoid(g[at + units + j] + hp[at + units + j]);
            float n = 2 * VectorKernels.sigmoid(2 * (g[at + 2 * units + j] + r * hp[at + 2 * units + j])) - 1;
            g[at + j] = r;
            g[at + units + j] = z;
            g[at + 2 * units + j] = n;
            h[rowAt + j] = n + z * (previous[rowAt + j] - n);
        }
    }

    private static float[] randoms(SplittableRandom random, int n, double scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextDouble(-1, 1) * scale);
        }
        return values;
    }

    @Test
    void scalarLaneIsCloseToTheExactSigmoid() {
        for (float x = -30; x <= 30; x += 0.01f) {
            double exact = 1 / (1 + Math.exp(-x));
            assertTrue(Math.abs(VectorKernels.sigmoid(x) - exact) <= 4 * Math.ulp((float) exact), "σ(" + x + ")");
        }
    }
}
