package org.rnn4j.nd4j.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;

/**
 * A loss that is a sum of per-element terms {@code ℓ(p, t)} over predictions and targets of one shape; the mean
 * divides by the number of elements that count (PyTorch's {@code reduction='mean'} without a mask).
 */
abstract class ElementwiseLoss implements Loss {
    private final Reduction reduction;

    ElementwiseLoss(Reduction reduction) {
        this.reduction = Checks.notNull(reduction, "reduction");
    }

    /** Per-element losses (new array). */
    abstract INDArray terms(INDArray predictions, INDArray targets);

    /** Per-element derivatives {@code dℓ/dp} (new array). */
    abstract INDArray derivatives(INDArray predictions, INDArray targets);

    /** Rejects targets outside the loss's domain; by default every finite value is allowed. */
    void checkTargets(INDArray targets) {
    }

    @Override
    public final Value compute(INDArray predictions, INDArray targets, INDArray mask) {
        LossChecks.predictions(predictions);
        LossChecks.sameShape(predictions, targets);
        checkTargets(targets);
        INDArray m = LossChecks.mask(mask, predictions);
        double scale = reduction == Reduction.MEAN
                ? 1.0 / (LossChecks.count(m, predictions) * predictions.size(predictions.rank() - 1)) : 1.0;
        INDArray terms = terms(predictions, targets);
        INDArray gradient = derivatives(predictions, targets).muli(scale);
        if (m != null) {
            terms.muli(m.broadcast(terms.shape()));
            gradient.muli(m.broadcast(gradient.shape()));
        }
        return new Value(terms.sumNumber().doubleValue() * scale, gradient);
    }

    public Reduction reduction() {
        return reduction;
    }
}
