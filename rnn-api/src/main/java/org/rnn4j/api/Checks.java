package org.rnn4j.api;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Argument checks shared by every entry point. Each throws {@link IllegalArgumentException} whose message names the
 * argument and gives the expected and actual value. Shape, rank and type checks read only Java-side metadata, so they
 * run before any native computation; {@link #finite} reads the values (in Java on the CPU host, else by one read-only
 * native reduction).
 */
public final class Checks {
    /**
     * {@code -Drnn4j.hostKernels=false} turns off every Java path over the CPU host's memory (rnn4j-nd4j's
     * {@code HostArray}), this class's finiteness scan included.
     */
    public static final String HOST_PATHS_PROPERTY = "rnn4j.hostKernels";
    /** Values per chunk of the host scan: 8 or 16 KiB, well inside L1 beside the source. */
    private static final int FINITE_CHUNK = 2048;

    /** Marks a dimension that may have any size in {@link #shape}. */
    public static final long ANY = -1;

    private Checks() {
    }

    public static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /**
     * Checks rank and sizes. {@code expected} may contain {@link #ANY}; {@code meaning} names the dimensions for the
     * message, e.g. {@code "[time, batch, inputSize]"}.
     */
    public static INDArray shape(INDArray array, String name, String meaning, long... expected) {
        notNull(array, name);
        long[] actual = array.shape();
        boolean ok = actual.length == expected.length;
        for (int i = 0; ok && i < expected.length; i++) {
            ok = expected[i] == ANY || expected[i] == actual[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(name + " must have shape " + meaning + " = " + format(expected)
                    + " but has shape " + Arrays.toString(actual) + " (rank " + actual.length + ")");
        }
        return array;
    }

    public static INDArray dataType(INDArray array, DataType expected, String name) {
        notNull(array, name);
        if (array.dataType() != expected) {
            throw new IllegalArgumentException(name + " must have data type " + expected + " but has "
                    + array.dataType());
        }
        return array;
    }

    /**
     * Rejects NaN and infinite values, after the shape checks. A contiguous array on the CPU host is scanned in Java
     * (no native call and nothing allocated: a training iteration runs several of these checks); any other array by
     * one native reduction.
     */
    public static INDArray finite(INDArray array, String name) {
        notNull(array, name);
        if (array.length() > 0 && !allFinite(array)) {
            throw new IllegalArgumentException(name + " contains NaN or infinite values");
        }
        return array;
    }

    /** Whether every value is finite: {@link #finite}'s test, without the exception. */
    public static boolean isFinite(INDArray array) {
        notNull(array, "array");
        return array.length() == 0 || allFinite(array);
    }

    private static boolean allFinite(INDArray array) {
        return onHost(array) ? hostFinite(array) : !BooleanIndexing.or(array, Conditions.notFinite());
    }

    private static boolean onHost(INDArray array) {
        return Nd4j.getEnvironment().isCPU() && !"false".equals(System.getProperty(HOST_PATHS_PROPERTY))
                && array.ordering() == 'c'
                && (array.length() == 1 || array.elementWiseStride() == 1)
                && array.offset() + array.length() <= Integer.MAX_VALUE
                && (array.dataType() == DataType.FLOAT || array.dataType() == DataType.DOUBLE);
    }

    /**
     * Reads the array's memory through a direct buffer, which does not keep the array alive: the fence keeps ND4J
     * from freeing the memory mid-loop once the caller's last reference is gone.
     */
    private static boolean hostFinite(INDArray array) {
        try {
            return hostFinite(array.data(), Math.toIntExact(array.offset()),
                    Math.toIntExact(array.offset() + array.length()), array.dataType() == DataType.FLOAT);
        } finally {
            Reference.reachabilityFence(array);
        }
    }

    /**
     * Scans the raw bits a chunk at a time (a bulk copy, then a loop without branches that the JIT vectorises): a
     * value is not finite when its exponent bits are all ones, and adding one to the lowest exponent bit then carries
     * into the sign bit exactly for those.
     */
    private static boolean hostFinite(DataBuffer data, int from, int to, boolean floats) {
        ByteBuffer bytes = data.asNio().duplicate().order(ByteOrder.nativeOrder());
        int chunk = Math.min(FINITE_CHUNK, to - from);
        if (floats) {
            IntBuffer values = bytes.asIntBuffer();
            int[] bits = new int[chunk];
            for (int start = from; start < to; start += chunk) {
                int n = Math.min(chunk, to - start);
                values.get(start, bits, 0, n);
                int marks = 0;
                for (int k = 0; k < n; k++) {
                    marks |= (bits[k] & 0x7f800000) + 0x00800000;
                }
                if (marks < 0) {
                    return false;
                }
            }
            return true;
        }
        LongBuffer values = bytes.asLongBuffer();
        long[] bits = new long[chunk];
        for (int start = from; start < to; start += chunk) {
            int n = Math.min(chunk, to - start);
            values.get(start, bits, 0, n);
            long marks = 0;
            for (int k = 0; k < n; k++) {
                marks |= (bits[k] & 0x7ff0000000000000L) + 0x0010000000000000L;
            }
            if (marks < 0) {
                return false;
            }
        }
        return true;
    }

    /** Rejects arrays of a non-floating type; rnn4j computes in float32 or float64 only. */
    public static DataType floatingType(DataType type, String name) {
        Objects.requireNonNull(type, name);
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException(name + " must be FLOAT or DOUBLE but is " + type);
        }
        return type;
    }

    public static int positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0 but is " + value);
        }
        return value;
    }

    public static double positiveFinite(double value, String name) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0 but is " + value);
        }
        return value;
    }

    public static double nonNegativeFinite(double value, String name) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0 but is " + value);
        }
        return value;
    }

    static String format(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ", ").append(shape[i] == ANY ? "*" : Long.toString(shape[i]));
        }
        return b.append(']').toString();
    }

    /** {@code parameters}, which must have layout {@code expected} and a floating-point type. */
    public static Parameters layout(Parameters parameters, ParameterLayout expected, String name) {
        notNull(parameters, name);
        if (!parameters.layout().equals(expected)) {
            throw new IllegalArgumentException(name + " must have layout " + expected + " but has "
                    + parameters.layout());
        }
        floatingType(parameters.dataType(), name + " data type");
        return parameters;
    }

    /** {@code gradients}, which must have the layout and data type of {@code parameters}. */
    public static Parameters sameLayout(Parameters gradients, Parameters parameters, String name) {
        layout(gradients, parameters.layout(), name);
        if (gradients.dataType() != parameters.dataType()) {
            throw new IllegalArgumentException(name + " must have data type " + parameters.dataType() + " but has "
                    + gradients.dataType());
        }
        return gradients;
    }
}
