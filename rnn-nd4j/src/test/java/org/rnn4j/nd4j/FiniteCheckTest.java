package org.rnn4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Checks;
import org.rnn4j.testkit.HostPaths;

/**
 * {@link Checks#finite} on its Java scan of the CPU host memory and on the native reduction (host paths off) finds
 * the same non-finite values: in whole arrays, in views at an offset (and not beside them), in f order.
 */
class FiniteCheckTest {
    private static void bothPaths(Runnable checks) {
        HostPaths.with(true, checks);
        HostPaths.with(false, checks);
    }

    @Test
    void bothPathsFindTheSameValues() {
        bothPaths(() -> {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                    INDArray whole = Nd4j.rand(type, 4, 5);
                    assertSame(whole, Checks.finite(whole, "x"));
                    whole.putScalar(3, 4, bad);
                    assertEquals("x contains NaN or infinite values", assertThrows(IllegalArgumentException.class,
                            () -> Checks.finite(whole, "x")).getMessage(), type + " " + bad);

                    INDArray parent = Nd4j.rand(type, 6, 5);
                    parent.putScalar(0, 0, bad); // before the view
                    parent.putScalar(5, 4, bad); // after it
                    INDArray rows = parent.get(NDArrayIndex.interval(1, 5), NDArrayIndex.all());
                    assertSame(rows, Checks.finite(rows, "rows"), type + " " + bad + ": values beside the view");
                    parent.putScalar(2, 1, bad);
                    assertThrows(IllegalArgumentException.class, () -> Checks.finite(rows, "rows"));

                    INDArray fortran = Nd4j.rand(type, 3, 4).dup('f');
                    Checks.finite(fortran, "f");
                    fortran.putScalar(1, 2, bad);
                    assertThrows(IllegalArgumentException.class, () -> Checks.finite(fortran, "f"));
                }
            }
        });
    }

    /**
     * The host scan works in chunks of a few thousand values: a bad value at each chunk's edges and at the end of an
     * array of several chunks is found, and the extreme finite values (largest, smallest normal and subnormal, minus
     * zero) pass, in float32 and float64, on both paths.
     */
    @Test
    void valuesAtEveryChunkEdgeAndTheExtremeFiniteOnesAreJudgedRight() {
        bothPaths(() -> {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                boolean floats = type == DataType.FLOAT;
                double[] extremes = floats
                        ? new double[] {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL, Float.MIN_VALUE, -0.0}
                        : new double[] {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, Double.MIN_VALUE, -0.0};
                INDArray values = Nd4j.rand(type, 5001);
                for (int i = 0; i < values.length(); i++) {
                    values.putScalar(i, extremes[i % extremes.length]);
                }
                assertSame(values, Checks.finite(values, "extremes"), type.toString());
                for (int position : new int[] {0, 1, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 4097, 5000}) {
                    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                        INDArray copy = values.dup();
                        copy.putScalar(position, bad);
                        assertThrows(IllegalArgumentException.class, () -> Checks.finite(copy, "x"),
                                type + ": " + bad + " at " + position);
                    }
                }
            }
        });
    }
}
