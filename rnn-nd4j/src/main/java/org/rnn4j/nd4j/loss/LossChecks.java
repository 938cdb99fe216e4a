package org.rnn4j.nd4j.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;

/** The argument checks every loss runs. */
final class LossChecks {
    private LossChecks() {
    }

    static void predictions(INDArray predictions) {
        Checks.notNull(predictions, "predictions");
        if (predictions.rank() < 1 || predictions.length() == 0) {
            throw new IllegalArgumentException("predictions must be non-empty with rank >= 1 but has shape "
                    + Arrays.toString(predictions.shape()));
        }
        Checks.floatingType(predictions.dataType(), "predictions data type");
        Checks.finite(predictions, "predictions");
    }

    static void sameShape(INDArray predictions, INDArray targets) {
        Checks.notNull(targets, "targets");
        if (!Arrays.equals(predictions.shape(), targets.shape())) {
            throw new IllegalArgumentException("targets must have the shape of predictions "
                    + Arrays.toString(predictions.shape()) + " but has " + Arrays.toString(targets.shape()));
        }
        Checks.dataType(targets, predictions.dataType(), "targets");
        Checks.finite(targets, "targets");
    }

    /** A buffer for the gradient: the predictions' shape and data type, c order, contiguous. */
    static void gradient(INDArray gradient, INDArray predictions) {
        Checks.notNull(gradient, "gradient");
        if (!Arrays.equals(gradient.shape(), predictions.shape()) || gradient.dataType() != predictions.dataType()) {
            throw new IllegalArgumentException("gradient must have the predictions' shape "
                    + Arrays.toString(predictions.shape()) + " and type " + predictions.dataType() + " but has "
                    + Arrays.toString(gradient.shape()) + " and " + gradient.dataType());
        }
    }

    /** The mask as a {@code [..., 1]} 0/1 array of the predictions' type, or null. */
    static INDArray mask(INDArray mask, INDArray predictions) {
        if (mask == null) {
            return null;
        }
        long[] leading = Arrays.copyOf(predictions.shape(), predictions.rank() - 1);
        if (!Arrays.equals(mask.shape(), leading)) {
            throw new IllegalArgumentException("mask must have the predictions' shape without the last dimension "
                    + Arrays.toString(leading) + " but has " + Arrays.toString(mask.shape()));
        }
        Checks.finite(mask, "mask");
        INDArray m = mask.castTo(predictions.dataType());
        if (m.neq(0).castTo(m.dataType()).neq(m).any()) {
            throw new IllegalArgumentException("mask must hold only 0 and 1");
        }
        long[] column = Arrays.copyOf(leading, leading.length + 1);
        column[leading.length] = 1;
        return m.reshape(column);
    }

    /** The number of examples that count. */
    static double count(INDArray mask, INDArray predictions) {
        if (mask == null) {
            return predictions.length() / predictions.size(predictions.rank() - 1);
        }
        double n = mask.sumNumber().doubleValue();
        if (n == 0) {
            throw new IllegalArgumentException("mask leaves out every example");
        }
        return n;
    }
}
