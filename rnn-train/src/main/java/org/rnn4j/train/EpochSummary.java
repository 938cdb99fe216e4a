package org.rnn4j.train;

/**
 * What one epoch did. {@code validationLoss} and {@code metric} are NaN without validation data;
 * {@code examplesPerSecond} counts training examples over the epoch's training time (validation excluded).
 */
public record EpochSummary(int epoch, double trainLoss, double validationLoss, String metricName, double metric,
                           double learningRate, double seconds, double examplesPerSecond, boolean improved) {
}
