package org.rnn4j.nd4j.internal;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;

/**
 * The memory of a contiguous c-order INDArray (a whole array, or a view such as one parameter of the flat buffer)
 * on the CPU host, read and written from Java without a native call: index {@code i} is element {@code i} of the
 * array in c order. Only valid on the CPU backend, where ND4J's ops are synchronous and work on this same memory.
 *
 * <p>The fast paths built on it (the layers' host kernels, the losses' and optimizers' loops) make no native call and
 * allocate nothing; each keeps a generic INDArray path for other backends, and a test proves the two equal.
 * {@code -D}{@value #PROPERTY}{@code =false} turns every one of them off, on the CPU too.
 *
 * <p>A direct NIO buffer on ND4J's memory does not keep the array alive, and ND4J frees an array's memory once the
 * garbage collector has found the array unreachable, which compiled code may decide right after the caller's last
 * use of it, in the middle of a loop over its elements. A HostArray therefore holds its array: the memory is valid as
 * long as the HostArray is in use. Code that takes the buffer out ({@link #floats}, {@link #doubles}) and drops the
 * HostArray keeps the array reachable itself until it is done ({@link java.lang.ref.Reference#reachabilityFence}).
 */
public abstract sealed class HostArray permits HostArray.Floats, HostArray.Doubles {
    /** The system property that switches the host paths off ({@code false}). */
    public static final String PROPERTY = Checks.HOST_PATHS_PROPERTY;

    /** The array whose memory this is, held so that ND4J cannot free the memory while this is in use. */
    private final INDArray array;

    private HostArray(INDArray array) {
        this.array = array;
    }

    /** Whether host paths can run here: the CPU backend, not switched off by {@value #PROPERTY}. */
    public static boolean available() {
        return Nd4j.getEnvironment().isCPU() && !"false".equals(System.getProperty(PROPERTY));
    }

    /** Whether host paths may run and every array is contiguous, c order, of one floating type. */
    public static boolean readable(INDArray... arrays) {
        if (!available()) {
            return false;
        }
        for (INDArray a : arrays) {
            if (!contiguous(a) || a.dataType() != arrays[0].dataType()
                    || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contiguous(INDArray a) {
        return Buffers.contiguous(a) && a.offset() + a.length() <= Integer.MAX_VALUE;
    }

    public static HostArray of(INDArray a) {
        if (!contiguous(a)) {
            throw new IllegalStateException("host kernels need contiguous c-order arrays, got "
                    + a.shapeInfoToString());
        }
        int base = Math.toIntExact(a.offset());
        int end = Math.toIntExact(a.offset() + a.length());
        FloatBuffer floats = a.dataType() == DataType.FLOAT ? a.data().asNioFloat() : null;
        return floats != null ? new Floats(a, floats.limit(end).position(base).slice())
                : new Doubles(a, a.data().asNioDouble().limit(end).position(base).slice());
    }

    /** The number of elements. */
    public abstract int length();

    /** The elements as a float buffer (index i = element i), or null if they are doubles: for typed hot loops. */
    public FloatBuffer floats() {
        return null;
    }

    /** The elements as a double buffer (index i = element i), or null if they are floats. */
    public DoubleBuffer doubles() {
        return null;
    }

    public abstract double get(int i);

    /** Copies {@code length} elements from index {@code from} into {@code target} (of the same type) at {@code to}. */
    public abstract void copyTo(int from, HostArray target, int to, int length);

    /** Sets every element to {@code value}. */
    public abstract void fill(double value);

    /** Adds {@code length} elements from index {@code from} into {@code target} (of the same type) at {@code to}. */
    public void addTo(int from, HostArray target, int to, int length) {
        for (int i = 0; i < length; i++) {
            target.set(to + i, target.get(to + i) + get(from + i));
        }
    }

    public abstract void set(int i, double v);

    static final class Floats extends HostArray {
        private final FloatBuffer buffer;

        Floats(INDArray array, FloatBuffer buffer) {
            super(array);
            this.buffer = buffer;
        }

        @Override
        public int length() {
            return buffer.limit();
        }

        @Override
        public FloatBuffer floats() {
            return buffer;
        }

        @Override
        public double get(int i) {
            return buffer.get(i);
        }

        @Override
        public void set(int i, double v) {
            buffer.put(i, (float) v);
        }

        @Override
        public void fill(double value) {
            for (int i = 0; i < buffer.limit(); i++) {
                buffer.put(i, (float) value);
            }
        }

        @Override
        public void copyTo(int from, HostArray target, int to, int length) {
            ((Floats) target).buffer.put(to, buffer, from, length);
        }
    }

    static final class Doubles extends HostArray {
        private final DoubleBuffer buffer;

        Doubles(INDArray array, DoubleBuffer buffer) {
            super(array);
            this.buffer = buffer;
        }

        @Override
        public int length() {
            return buffer.limit();
        }

        @Override
        public DoubleBuffer doubles() {
            return buffer;
        }

        @Override
        public double get(int i) {
            return buffer.get(i);
        }

        @Override
        public void set(int i, double v) {
            buffer.put(i, v);
        }

        @Override
        public void fill(double value) {
            for (int i = 0; i < buffer.limit(); i++) {
                buffer.put(i, value);
            }
        }

        @Override
        public void copyTo(int from, HostArray target, int to, int length) {
            ((Doubles) target).buffer.put(to, buffer, from, length);
        }
    }
}
