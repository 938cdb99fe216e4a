package org.rnn4j.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX {@code TensorProto}s (initializers and {@code Constant} values) as arrays, checked against their dims. */
final class OnnxTensors {
    /** Larger constants are refused: rnn4j's own model files stop at the same order of size. */
    static final long MAX_ELEMENTS = 1L << 28;

    private OnnxTensors() {
    }

    /** A tensor's values (a scalar as one value) and its dims ({@code []} for a scalar). */
    record Tensor(INDArray values, long[] dims) {
        boolean scalar() {
            return dims.length == 0;
        }

        long[] longs() {
            return values.castTo(DataType.LONG).toLongVector();
        }
    }

    /** float, double, int32 and int64 tensors; float ones come back as FLOAT, the integral ones as LONG. */
    static Tensor toTensor(Onnx.TensorProto t, String where) {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : dims) {
            if (d < 0 || (d > 0 && count > MAX_ELEMENTS / d)) {
                throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has dims "
                        + Arrays.toString(dims) + " (negative, or more than " + MAX_ELEMENTS + " elements)");
            }
            count *= d;
        }
        int n = Math.toIntExact(count);
        Onnx.TensorProto.DataType type = Onnx.TensorProto.DataType.forNumber(t.getDataType());
        if (type == null) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has unknown data type "
                    + t.getDataType());
        }
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        boolean hasRaw = !t.getRawData().isEmpty();
        INDArray out = switch (type) {
            case FLOAT -> {
                float[] v = new float[n];
                if (hasRaw) {
                    check(raw.remaining(), (long) n * Float.BYTES, t, where);
                    raw.asFloatBuffer().get(v);
                } else {
                    check(t.getFloatDataCount(), n, t, where);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getFloatData(i);
                    }
                }
                yield Nd4j.createFromArray(v);
            }
            case DOUBLE -> {
                double[] v = new double[n];
                if (hasRaw) {
                    check(raw.remaining(), (long) n * Double.BYTES, t, where);
                    raw.asDoubleBuffer().get(v);
                } else {
                    check(t.getDoubleDataCount(), n, t, where);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getDoubleData(i);
                    }
                }
                yield Nd4j.createFromArray(v).castTo(DataType.FLOAT);
            }
            case INT64 -> {
                long[] v = new long[n];
                if (hasRaw) {
                    check(raw.remaining(), (long) n * Long.BYTES, t, where);
                    raw.asLongBuffer().get(v);
                } else {
                    check(t.getInt64DataCount(), n, t, where);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getInt64Data(i);
                    }
                }
                yield Nd4j.createFromArray(v);
            }
            case INT32 -> {
                long[] v = new long[n];
                if (hasRaw) {
                    check(raw.remaining(), (long) n * Integer.BYTES, t, where);
                    for (int i = 0; i < n; i++) {
                        v[i] = raw.getInt();
                    }
                } else {
                    check(t.getInt32DataCount(), n, t, where);
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getInt32Data(i);
                    }
                }
                yield Nd4j.createFromArray(v);
            }
            default -> throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has data type "
                    + type + "; rnn4j reads FLOAT, DOUBLE, INT32 and INT64");
        };
        return new Tensor(dims.length == 0 ? out : out.reshape(dims), dims);
    }

    private static void check(long actual, long expected, Onnx.TensorProto t, String where) {
        if (actual != expected) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' holds " + actual
                    + " values or bytes but its dims " + t.getDimsList() + " need " + expected);
        }
    }
}
