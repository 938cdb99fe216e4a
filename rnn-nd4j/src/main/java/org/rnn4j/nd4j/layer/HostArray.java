package org.rnn4j.nd4j.layer;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The memory of a contiguous c-order INDArray (a whole array, or a view such as one parameter of the flat buffer)
 * on the CPU host, read and written from Java without a native call: index {@code i} is element {@code i} of the
 * array in c order. Only valid on the CPU backend, where ND4J's ops are synchronous and work on this same memory.
 */
abstract sealed class HostArray permits HostArray.Floats, HostArray.Doubles {
    static HostArray of(INDArray a) {
        boolean contiguous = a.ordering() == 'c' && (a.length() == 1 || a.elementWiseStride() == 1);
        if (!contiguous || a.offset() + a.length() > Integer.MAX_VALUE) {
            throw new IllegalStateException("host kernels need contiguous c-order arrays, got "
                    + a.shapeInfoToString());
        }
        int base = Math.toIntExact(a.offset());
        int end = Math.toIntExact(a.offset() + a.length());
        FloatBuffer floats = a.dataType() == DataType.FLOAT ? a.data().asNioFloat() : null;
        return floats != null ? new Floats(floats.limit(end).position(base).slice())
                : new Doubles(a.data().asNioDouble().limit(end).position(base).slice());
    }

    abstract double get(int i);

    /** Copies {@code length} elements from index {@code from} into {@code target} (of the same type) at {@code to}. */
    abstract void copyTo(int from, HostArray target, int to, int length);

    /** Sets every element to {@code value}. */
    abstract void fill(double value);

    /** Adds {@code length} elements from index {@code from} into {@code target} (of the same type) at {@code to}. */
    void addTo(int from, HostArray target, int to, int length) {
        for (int i = 0; i < length; i++) {
            target.set(to + i, target.get(to + i) + get(from + i));
        }
    }

    abstract void set(int i, double v);

    static final class Floats extends HostArray {
        private final FloatBuffer buffer;

        Floats(FloatBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        double get(int i) {
            return buffer.get(i);
        }

        @Override
        void set(int i, double v) {
            buffer.put(i, (float) v);
        }

        @Override
        void fill(double value) {
            for (int i = 0; i < buffer.limit(); i++) {
                buffer.put(i, (float) value);
            }
        }

        @Override
        void copyTo(int from, HostArray target, int to, int length) {
            ((Floats) target).buffer.put(to, buffer, from, length);
        }
    }

    static final class Doubles extends HostArray {
        private final DoubleBuffer buffer;

        Doubles(DoubleBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        double get(int i) {
            return buffer.get(i);
        }

        @Override
        void set(int i, double v) {
            buffer.put(i, v);
        }

        @Override
        void fill(double value) {
            for (int i = 0; i < buffer.limit(); i++) {
                buffer.put(i, value);
            }
        }

        @Override
        void copyTo(int from, HostArray target, int to, int length) {
            ((Doubles) target).buffer.put(to, buffer, from, length);
        }
    }
}
