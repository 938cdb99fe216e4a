package org.rnn4j.nd4j.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;

/**
 * {@code Σ (p - t)²}, divided by the number of elements with {@link Reduction#MEAN} (PyTorch's {@code MSELoss()}),
 * or not with {@link Reduction#SUM} ({@code MSELoss(reduction='sum')}). Gradient {@code 2 (p - t) / n} or
 * {@code 2 (p - t)}.
 */
public final class MeanSquaredError implements Loss {
    /** How the element losses are combined. */
    public enum Reduction { MEAN, SUM }

    private final Reduction reduction;

    public MeanSquaredError() {
        this(Reduction.MEAN);
    }

    public MeanSquaredError(Reduction reduction) {
        this.reduction = Checks.notNull(reduction, "reduction");
    }

    @Override
    public Value compute(INDArray predictions, INDArray targets) {
        Checks.notNull(predictions, "predictions");
        Checks.notNull(targets, "targets");
        if (!Arrays.equals(predictions.shape(), targets.shape())) {
            throw new IllegalArgumentException("targets must have the shape of predictions "
                    + Arrays.toString(predictions.shape()) + " but has " + Arrays.toString(targets.shape()));
        }
        Checks.dataType(targets, predictions.dataType(), "targets");
        Checks.finite(targets, "targets");
        Checks.finite(predictions, "predictions");
        INDArray diff = predictions.sub(targets);
        double scale = reduction == Reduction.MEAN ? 1.0 / predictions.length() : 1.0;
        double loss = diff.mul(diff).sumNumber().doubleValue() * scale;
        return new Value(loss, diff.muli(2 * scale));
    }

    public Reduction reduction() {
        return reduction;
    }
}
