package org.rnn4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What the fuzzing suites share: special values, an array generator, and the one allowed way to fail. */
public final class Fuzz {
    public static final double[] SPECIAL = {0, -0.0, 1, -1, 1e-300, 1e300, Double.MAX_VALUE, Double.MIN_VALUE,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.5, 0.999999, 1.000001, 2, -2, 1e-8};

    private Fuzz() {
    }

    /**
     * The call's result, or null when it threw rnn4j's own IllegalArgumentException or IllegalStateException; any
     * other outcome fails naming the case.
     */
    public static Object call(String what, Supplier<Object> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            StackTraceElement top = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
            if (top == null || !top.getClassName().startsWith("org.rnn4j")) {
                fail(what + ": a raw message from " + top + ": " + e, e);
            }
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what + ": no message");
            return null;
        } catch (RuntimeException | Error e) {
            fail(what + ": not rnn4j's IllegalArgumentException or IllegalStateException but " + e, e);
            return null;
        }
    }

    /** An array of rank 0-4, sizes 0-5 (1-4 mostly), of a random data type, with special values at random. */
    public static INDArray array(SplittableRandom r, boolean ids) {
        int rank = r.nextInt(10) == 0 ? r.nextInt(5) : (ids ? 2 : 3);
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = r.nextInt(12) == 0 ? r.nextInt(6) : 1 + r.nextInt(4);
        }
        if (!ids && rank == 3 && r.nextInt(4) != 0) {
            shape[2] = 3;
        }
        DataType type = switch (r.nextInt(8)) {
            case 0 -> DataType.DOUBLE;
            case 1 -> DataType.INT;
            default -> DataType.FLOAT;
        };
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            double v = ids ? r.nextInt(-1, 11) : r.nextDouble(-2, 2);
            if (r.nextInt(30) == 0) {
                v = SPECIAL[r.nextInt(SPECIAL.length)];
            }
            a.putScalar(i, v);
        }
        return type == DataType.INT ? a.castTo(DataType.INT) : a.castTo(type);
    }

}
