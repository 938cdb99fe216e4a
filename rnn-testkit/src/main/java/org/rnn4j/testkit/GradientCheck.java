package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.stream.LongStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.ParameterLayout;

/**
 * Central finite differences in float64: for every element {@code v} of an array, {@code (L(v+ε) - L(v-ε)) / 2ε}
 * compared with the analytic gradient. An element passes when the absolute difference is below {@link #ABS_FLOOR}
 * (gradients that are zero up to rounding) or the relative error {@code |a-n| / max(|a|, |n|)} is below
 * {@link #MAX_RELATIVE_ERROR}.
 */
public final class GradientCheck {
    public static final double EPSILON = 1e-5;
    public static final double MAX_RELATIVE_ERROR = 1e-6;
    public static final double ABS_FLOOR = 1e-9;

    private GradientCheck() {
    }

    /**
     * @param name     what is checked, for the message
     * @param values   the array whose elements are perturbed in place (restored afterwards), float64
     * @param analytic the analytic gradient, same shape
     * @param loss     recomputes the scalar loss from the current values
     * @return the largest relative error seen among elements above the floor
     */
    public static double check(String name, INDArray values, INDArray analytic, DoubleSupplier loss) {
        return check(name, values, analytic, loss, LongStream.range(0, values.length()).toArray());
    }

    /** The check on the listed flat indices only (see {@link #sample}). */
    public static double check(String name, INDArray values, INDArray analytic, DoubleSupplier loss,
                               long[] indices) {
        assertEquals(DataType.DOUBLE, values.dataType(), "gradient checks run in float64");
        assertEquals(values.length(), analytic.length(), name + ": gradient length");
        INDArray flatValues = values.reshape(values.length());
        INDArray flatAnalytic = analytic.reshape(analytic.length());
        double worst = 0;
        for (long i : indices) {
            double original = flatValues.getDouble(i);
            flatValues.putScalar(i, original + EPSILON);
            double plus = loss.getAsDouble();
            flatValues.putScalar(i, original - EPSILON);
            double minus = loss.getAsDouble();
            flatValues.putScalar(i, original);
            double numeric = (plus - minus) / (2 * EPSILON);
            double a = flatAnalytic.getDouble(i);
            double diff = Math.abs(a - numeric);
            if (diff <= ABS_FLOOR) {
                continue;
            }
            double rel = diff / Math.max(Math.abs(a), Math.abs(numeric));
            worst = Math.max(worst, rel);
            if (rel > MAX_RELATIVE_ERROR) {
                fail(name + "[" + i + "]: analytic " + a + " vs numeric " + numeric + " (relative error " + rel + ")");
            }
        }
        return worst;
    }

    /**
     * Up to {@code perParameter} flat indices of every named parameter of {@code layout}, spread evenly over it
     * (first and last included): every weight block is checked while large stacks stay fast.
     */
    public static long[] sample(ParameterLayout layout, int perParameter) {
        List<Long> out = new ArrayList<>();
        for (String name : layout.names()) {
            long offset = layout.offset(name);
            long length = layout.length(name);
            long count = Math.min(length, perParameter);
            for (long j = 0; j < count; j++) {
                out.add(offset + (count == 1 ? 0 : j * (length - 1) / (count - 1)));
            }
        }
        return out.stream().mapToLong(Long::longValue).distinct().toArray();
    }

    /** Asserts that a gradient is not all zero, so a check against it cannot pass vacuously. */
    public static void assertNonTrivial(String name, INDArray gradient) {
        assertTrue(gradient.norm2Number().doubleValue() > 1e-6, name + " gradient is all zero");
    }
}
