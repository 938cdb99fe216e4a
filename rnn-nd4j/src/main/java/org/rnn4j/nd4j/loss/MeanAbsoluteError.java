package org.rnn4j.nd4j.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@code ℓ = |p - t|}: PyTorch's {@code L1Loss}; the derivative at {@code p = t} is 0, as PyTorch's. */
public final class MeanAbsoluteError extends ElementwiseLoss {
    public MeanAbsoluteError() {
        this(Reduction.MEAN);
    }

    public MeanAbsoluteError(Reduction reduction) {
        super(reduction);
    }

    @Override
    INDArray terms(INDArray p, INDArray t) {
        return Transforms.abs(p.sub(t), false);
    }

    @Override
    INDArray derivatives(INDArray p, INDArray t) {
        return Transforms.sign(p.sub(t), false);
    }

    @Override
    double term(double p, double t) {
        return Math.abs(p - t);
    }

    @Override
    double derivative(double p, double t) {
        return Math.signum(p - t);
    }
}
