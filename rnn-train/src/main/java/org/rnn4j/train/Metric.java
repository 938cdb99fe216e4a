package org.rnn4j.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A score of predictions against targets over a whole dataset, for validation and early stopping. Built-ins are in
 * {@link Metrics}.
 */
public interface Metric {
    String name();

    /** Whether a larger value is better (accuracy) or a smaller one (loss, RMSE). */
    boolean higherIsBetter();

    /**
     * @param predictions {@code [N, O]} what the model predicts for every example, in dataset order
     * @param targets     {@code [N, O]} (or {@code [N]} class indices)
     */
    double score(INDArray predictions, INDArray targets);
}
