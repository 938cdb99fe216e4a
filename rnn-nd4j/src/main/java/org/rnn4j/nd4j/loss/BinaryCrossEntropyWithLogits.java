package org.rnn4j.nd4j.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * PyTorch's {@code BCEWithLogitsLoss}: predictions are logits {@code z}, targets in [0, 1];
 * {@code ℓ = max(z, 0) - z·t + log(1 + e^{-|z|})} (stable for any z); derivative {@code σ(z) - t}.
 */
public final class BinaryCrossEntropyWithLogits extends ElementwiseLoss {
    public BinaryCrossEntropyWithLogits() {
        this(Reduction.MEAN);
    }

    public BinaryCrossEntropyWithLogits(Reduction reduction) {
        super(reduction);
    }

    /** Labels are probabilities: a 2 or a -1 is a data error, not something to average. */
    @Override
    boolean boundedTargets() {
        return true;
    }

    @Override
    void checkTargetRange(double min, double max) {
        if (!(min >= 0 && max <= 1)) {
            throw new IllegalArgumentException("targets of binary cross-entropy must be in [0, 1] but range over ["
                    + min + ", " + max + "]");
        }
    }

    @Override
    INDArray terms(INDArray z, INDArray t) {
        INDArray softplus = Transforms.log(Transforms.exp(Transforms.abs(z, true).negi(), false).addi(1), false);
        return Transforms.relu(z, true).subi(z.mul(t)).addi(softplus);
    }

    @Override
    INDArray derivatives(INDArray z, INDArray t) {
        return Transforms.sigmoid(z, true).subi(t);
    }

    @Override
    double term(double z, double t) {
        return Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
    }

    @Override
    double derivative(double z, double t) {
        return 1 / (1 + Math.exp(-z)) - t;
    }
}
