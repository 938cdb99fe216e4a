package org.rnn4j.nd4j.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code ℓ = (p - t)²}: PyTorch's {@code MSELoss}. */
public final class MeanSquaredError extends ElementwiseLoss {
    public MeanSquaredError() {
        this(Reduction.MEAN);
    }

    public MeanSquaredError(Reduction reduction) {
        super(reduction);
    }

    @Override
    INDArray terms(INDArray p, INDArray t) {
        INDArray d = p.sub(t);
        return d.muli(d);
    }

    @Override
    INDArray derivatives(INDArray p, INDArray t) {
        return p.sub(t).muli(2);
    }

    @Override
    double term(double p, double t) {
        return (p - t) * (p - t);
    }

    @Override
    double derivative(double p, double t) {
        return 2 * (p - t);
    }
}
