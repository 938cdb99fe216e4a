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
        FloatBuffer floats = a.dataType() == DataType.FLOAT ? a.data().asNioFloat() : null;
        return floats != null ? new Floats(floats.position(base).slice())
                : new Doubles(a.data().asNioDouble().position(base).slice());
    }

    abstract double get(int i);

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
    }
}
