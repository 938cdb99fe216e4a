package org.rnn4j.nd4j.layer;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The memory of a c-order INDArray at offset 0 on the CPU host, read and written from Java without a native call
 * (the host kernels' view of the fused buffers). Only valid on the CPU backend, where ND4J's ops are synchronous
 * and work on this same memory.
 */
abstract sealed class HostArray permits HostArray.Floats, HostArray.Doubles {
    static HostArray of(INDArray a) {
        if (a.offset() != 0 || a.ordering() != 'c' || a.length() > Integer.MAX_VALUE || a.isView()) {
            throw new IllegalStateException("host kernels need whole c-order arrays, got " + a.shapeInfoToString());
        }
        return a.dataType() == DataType.FLOAT ? new Floats(a.data().asNioFloat())
                : new Doubles(a.data().asNioDouble());
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
