package org.rnn4j.nd4j.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;
import org.rnn4j.nd4j.internal.HostArray;

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

    /** {@code ℓ(p, t)} of one element: the CPU host path of {@link #terms}, equal to it. */
    abstract double term(double p, double t);

    /** {@code dℓ/dp} of one element: the CPU host path of {@link #derivatives}, equal to it. */
    abstract double derivative(double p, double t);

    /** Whether targets have a domain narrower than the finite values ({@link #checkTargetRange}). */
    boolean boundedTargets() {
        return false;
    }

    /** Rejects targets ranging over {@code [min, max]} if outside the loss's domain (bounded targets only). */
    void checkTargetRange(double min, double max) {
    }

    private void checkTargets(INDArray targets) {
        if (boundedTargets()) {
            checkTargetRange(targets.minNumber().doubleValue(), targets.maxNumber().doubleValue());
        }
    }

    /**
     * On the CPU host without a mask, one Java pass over the elements (nothing allocated, no native call); else
     * {@link #compute} copied into {@code gradient}.
     */
    @Override
    public final double computeInto(INDArray predictions, INDArray targets, INDArray mask, INDArray gradient) {
        LossChecks.predictions(predictions);
        LossChecks.sameShape(predictions, targets);
        LossChecks.gradient(gradient, predictions);
        if (mask != null || !HostArray.readable(predictions, targets, gradient)) {
            return Loss.super.computeInto(predictions, targets, mask, gradient);
        }
        HostArray p = HostArray.of(predictions);
        HostArray t = HostArray.of(targets);
        HostArray g = HostArray.of(gradient);
        int n = p.length();
        if (boundedTargets()) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, t.get(i));
                max = Math.max(max, t.get(i));
            }
            checkTargetRange(min, max);
        }
        double scale = reduction == Reduction.MEAN ? 1.0 / n : 1.0; // no mask: every element counts
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double pi = p.get(i);
            double ti = t.get(i);
            sum += term(pi, ti);
            g.set(i, derivative(pi, ti) * scale);
        }
        return sum * scale;
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
