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
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN); // index 0 first
        boolean hasRaw = !t.getRawData().isEmpty();
        // each type: its bytes per value in raw_data, its typed field's count, and how value i is read from either
        int bytes;
        int typedCount;
        java.util.function.IntToDoubleFunction floating = null;
        java.util.function.IntToLongFunction integral = null;
        switch (type) {
            case FLOAT -> {
                bytes = Float.BYTES;
                typedCount = t.getFloatDataCount();
                floating = hasRaw ? i -> raw.getFloat(i * Float.BYTES) : t::getFloatData;
            }
            case DOUBLE -> {
                bytes = Double.BYTES;
                typedCount = t.getDoubleDataCount();
                floating = hasRaw ? i -> raw.getDouble(i * Double.BYTES) : t::getDoubleData;
            }
            case INT64 -> {
                bytes = Long.BYTES;
                typedCount = t.getInt64DataCount();
                integral = hasRaw ? i -> raw.getLong(i * Long.BYTES) : t::getInt64Data;
            }
            case INT32 -> {
                bytes = Integer.BYTES;
                typedCount = t.getInt32DataCount();
                integral = hasRaw ? i -> raw.getInt(i * Integer.BYTES) : t::getInt32Data;
            }
            default -> throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has data type "
                    + type + "; rnn4j reads FLOAT, DOUBLE, INT32 and INT64");
        }
        check(hasRaw ? raw.remaining() : typedCount, hasRaw ? (long) n * bytes : n, t, where);
        INDArray out;
        if (floating != null) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) floating.applyAsDouble(i);
            }
            out = Nd4j.createFromArray(v);
        } else {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = integral.applyAsLong(i);
            }
            out = Nd4j.createFromArray(v);
        }
        return new Tensor(dims.length == 0 ? out : out.reshape(dims), dims);
    }

    private static void check(long actual, long expected, Onnx.TensorProto t, String where) {
        if (actual != expected) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' holds " + actual
                    + " values or bytes but its dims " + t.getDimsList() + " need " + expected);
        }
    }
}
