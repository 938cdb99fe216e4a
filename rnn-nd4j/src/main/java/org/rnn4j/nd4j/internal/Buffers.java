package org.rnn4j.nd4j.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Arrays that layers, models and optimizers keep from one pass to the next: making, testing and clearing them. */
public final class Buffers {
    private Buffers() {
    }

    /**
     * A new array outside any workspace the caller has open (the trainer runs each iteration in one): ND4J would
     * otherwise hand out memory that the workspace reuses on its next cycle. Uninitialised unless {@code zero}.
     */
    public static INDArray persistent(DataType type, boolean zero, char order, long... shape) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return zero ? Nd4j.zeros(type, shape) : Nd4j.create(type, shape, order);
        }
    }

    /**
     * Whether an array's elements are contiguous in c order (a view included): what GEMMs, host loops and views of
     * the same memory need.
     */
    public static boolean contiguous(INDArray array) {
        return array.ordering() == 'c' && (array.length() == 1 || array.elementWiseStride() == 1);
    }

    /**
     * Sets every element to zero: an array that fills its whole buffer by {@code memset} (no native op, no scalar
     * array: what {@code assign(0)} would create), any other by {@code assign(0)}.
     */
    public static void zero(INDArray array) {
        if (array.offset() == 0 && array.length() == array.data().length()) {
            Nd4j.getMemoryManager().memset(array);
        } else {
            array.assign(0);
        }
    }
}
