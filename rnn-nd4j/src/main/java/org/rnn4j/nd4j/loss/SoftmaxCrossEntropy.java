package org.rnn4j.nd4j.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;

/**
 * Softmax cross-entropy over the last dimension of logits {@code [..., C]}, PyTorch's {@code CrossEntropyLoss}:
 * {@code ℓ = logsumexp(z) - Σ_c t_c z_c}, computed as {@code max + log Σ e^{z - max}} so that no logit overflows;
 * derivative {@code softmax(z)·Σt - t}. Targets are either class indices of the leading shape ({@code [...]}, values
 * 0 to C-1 stored in any numeric type) or class probabilities / one-hot vectors of the logits' shape.
 * The mean divides by the examples that count.
 */
public final class SoftmaxCrossEntropy implements Loss {
    private final Reduction reduction;

    public SoftmaxCrossEntropy() {
        this(Reduction.MEAN);
    }

    public SoftmaxCrossEntropy(Reduction reduction) {
        this.reduction = Checks.notNull(reduction, "reduction");
    }

    @Override
    public Value compute(INDArray logits, INDArray targets, INDArray mask) {
        LossChecks.predictions(logits);
        Checks.notNull(targets, "targets");
        int last = logits.rank() - 1;
        long classes = logits.size(last);
        INDArray probabilities = targets.rank() == logits.rank() ? probabilities(logits, targets)
                : oneHot(logits, targets, classes);
        INDArray m = LossChecks.mask(mask, logits);
        double scale = reduction == Reduction.MEAN ? 1.0 / LossChecks.count(m, logits) : 1.0;

        INDArray max = logits.max(true, last);
        INDArray shifted = logits.sub(max.broadcast(logits.shape()));
        INDArray exp = Transforms.exp(shifted, true);
        INDArray sumExp = exp.sum(true, last);
        INDArray logSumExp = Transforms.log(sumExp, true).addi(max);              // [..., 1]
        INDArray targetMass = probabilities.sum(true, last);                     // Σ_c t_c, 1 for one-hot
        INDArray perExample = logSumExp.mul(targetMass).subi(probabilities.mul(logits).sum(true, last));
        INDArray gradient = exp.divi(sumExp.broadcast(exp.shape())).muli(targetMass.broadcast(exp.shape()))
                .subi(probabilities).muli(scale);
        if (m != null) {
            perExample.muli(m);
            gradient.muli(m.broadcast(gradient.shape()));
        }
        return new Value(perExample.sumNumber().doubleValue() * scale, gradient);
    }

    private static INDArray probabilities(INDArray logits, INDArray targets) {
        LossChecks.sameShape(logits, targets);
        if (targets.minNumber().doubleValue() < 0) {
            throw new IllegalArgumentException("targets must be class probabilities (>= 0) but hold "
                    + targets.minNumber());
        }
        return targets;
    }

    private static INDArray oneHot(INDArray logits, INDArray indices, long classes) {
        long[] leading = Arrays.copyOf(logits.shape(), logits.rank() - 1);
        if (!Arrays.equals(indices.shape(), leading)) {
            throw new IllegalArgumentException("targets must be class indices of shape " + Arrays.toString(leading)
                    + " or probabilities of shape " + Arrays.toString(logits.shape()) + " but have shape "
                    + Arrays.toString(indices.shape()));
        }
        double[] ids = indices.dup().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
        INDArray oneHot = Nd4j.zeros(logits.dataType(), ids.length, classes);
        for (int i = 0; i < ids.length; i++) {
            double id = ids[i];
            if (id != Math.rint(id) || id < 0 || id >= classes) {
                throw new IllegalArgumentException("targets[" + i + "] must be a class index in [0, " + (classes - 1)
                        + "] but is " + id);
            }
            oneHot.putScalar(i, (long) id, 1.0);
        }
        return oneHot.reshape(logits.shape());
    }

    public Reduction reduction() {
        return reduction;
    }
}
