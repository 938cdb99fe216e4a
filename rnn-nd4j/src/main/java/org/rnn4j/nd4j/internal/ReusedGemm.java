package org.rnn4j.nd4j.internal;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code c = alpha·op(a)·op(b) + beta·c} over arrays that stay the same from pass to pass (the views of the fused
 * buffers and the weights), built once and run many times: {@code Nd4j.gemm} builds an op and a native op context
 * on every call, which costs time (136-176 vs 117-127 µs for a batch-1 step's product here) and creates a native
 * object per time step.
 */
public final class ReusedGemm {
    private final Mmul op;
    private final OpContext context;

    public ReusedGemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
               double beta) {
        op = new Mmul(a, b, c, alpha, beta, MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB)
                .build());
        context = Nd4j.getExecutioner().buildContext();
        context.setInputArrays(a, b);
        context.setOutputArrays(c);
        context.setTArguments(alpha, beta);
        context.setIArguments(transposeA ? 1 : 0, transposeB ? 1 : 0, 0);
    }

    public void run() {
        Nd4j.getExecutioner().exec(op, context);
    }

    /** Frees the native op context now rather than when the collector finds it; the GEMM must not run again. */
    public void close() {
        try {
            context.close();
        } catch (Exception e) { // CpuOpContext's close throws nothing; the interface allows it
            throw new IllegalStateException("could not free a GEMM's native op context", e);
        }
    }
}
