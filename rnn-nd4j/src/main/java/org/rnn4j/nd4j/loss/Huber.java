package org.rnn4j.nd4j.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Checks;

/**
 * PyTorch's {@code HuberLoss(delta)}: {@code ℓ = ½(p - t)²} where {@code |p - t| <= δ}, else
 * {@code δ(|p - t| - ½δ)}; derivative {@code p - t} clipped to {@code [-δ, δ]}. Default δ = 1.
 */
public final class Huber extends ElementwiseLoss {
    public static final double DEFAULT_DELTA = 1.0;
    private final double delta;

    public Huber() {
        this(DEFAULT_DELTA, Reduction.MEAN);
    }

    public Huber(double delta, Reduction reduction) {
        super(reduction);
        this.delta = Checks.positiveFinite(delta, "delta");
    }

    @Override
    INDArray terms(INDArray p, INDArray t) {
        INDArray a = Transforms.abs(p.sub(t), false);
        INDArray quadratic = Transforms.min(a, delta, true);    // min(|d|, δ)
        // ½q² + δ(|d| - q): equals ½d² inside and δ(|d| - ½δ) outside
        return quadratic.mul(quadratic).muli(0.5).addi(a.subi(quadratic).muli(delta));
    }

    @Override
    INDArray derivatives(INDArray p, INDArray t) {
        return Transforms.min(Transforms.max(p.sub(t), -delta, false), delta, false);
    }

    @Override
    double term(double p, double t) {
        double a = Math.abs(p - t);
        return a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
    }

    @Override
    double derivative(double p, double t) {
        return Math.min(Math.max(p - t, -delta), delta);
    }
}
