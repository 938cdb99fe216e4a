package org.rnn4j.nd4j.eval;

/** MSE, RMSE, MAE and MAPE of predictions against actual values. */
public record RegressionMetrics(double mse, double rmse, double mae, double mape) {
    /**
     * MAPE is the mean of {@code |error / actual|} in percent over the values whose actual value is not 0 (NaN when
     * every actual value is 0).
     */
    public static RegressionMetrics of(double[] actual, double[] predicted) {
        if (actual == null || predicted == null || actual.length != predicted.length || actual.length == 0) {
            throw new IllegalArgumentException("actual and predicted must have the same non-zero length");
        }
        double squared = 0;
        double absolute = 0;
        double percent = 0;
        int counted = 0;
        for (int i = 0; i < actual.length; i++) {
            if (!Double.isFinite(actual[i]) || !Double.isFinite(predicted[i])) {
                throw new IllegalArgumentException("value " + i + " is not finite: actual " + actual[i]
                        + ", predicted " + predicted[i]);
            }
            double e = predicted[i] - actual[i];
            squared += e * e;
            absolute += Math.abs(e);
            if (actual[i] != 0) {
                percent += Math.abs(e / actual[i]);
                counted++;
            }
        }
        double mse = squared / actual.length;
        return new RegressionMetrics(mse, Math.sqrt(mse), absolute / actual.length,
                counted == 0 ? Double.NaN : 100 * percent / counted);
    }
}
