package org.rnn4j.nd4j.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Numbered {@link ReusedGemm}s, each rebuilt only when it is asked for with other operands than last time. A caller
 * that hands the same buffers every iteration (a training pass of a repeating shape) runs its products without
 * creating a native object. Not thread-safe: one owner, one thread.
 */
public final class GemmSlots {
    private record Slot(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
                        double beta, ReusedGemm gemm) {
        boolean matches(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
                        double beta) {
            return this.a == a && this.b == b && this.c == c && this.transposeA == transposeA
                    && this.transposeB == transposeB && this.alpha == alpha && this.beta == beta;
        }
    }

    private final Slot[] slots;

    public GemmSlots(int count) {
        slots = new Slot[count];
    }

    /** {@code c = alpha·op(a)·op(b) + beta·c} in slot {@code index}. */
    public void run(int index, INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
             double beta) {
        Slot slot = slots[index];
        if (slot == null || !slot.matches(a, b, c, transposeA, transposeB, alpha, beta)) {
            slot = new Slot(a, b, c, transposeA, transposeB, alpha, beta,
                    new ReusedGemm(a, b, c, transposeA, transposeB, alpha, beta));
            slots[index] = slot;
        }
        slot.gemm().run();
    }
}
