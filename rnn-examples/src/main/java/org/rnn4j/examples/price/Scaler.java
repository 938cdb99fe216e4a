package org.rnn4j.examples.price;

/**
 * Standardisation {@code (x - mean) / std}, fitted on one span of a series only: what the price demo fits on the
 * training span, so that nothing about validation or test values reaches the model.
 */
public record Scaler(double mean, double std) {
    public Scaler {
        if (!(std > 0 && Double.isFinite(std) && Double.isFinite(mean))) {
            throw new IllegalArgumentException("a scaler needs a finite mean and a positive std, got " + mean + ", "
                    + std);
        }
    }

    /** Fitted on {@code values[from, to)}. */
    public static Scaler fit(double[] values, int from, int to) {
        if (from < 0 || to > values.length || to - from < 2) {
            throw new IllegalArgumentException("fitting needs at least 2 values in [" + from + ", " + to + ") of "
                    + values.length);
        }
        double mean = 0;
        for (int i = from; i < to; i++) {
            mean += values[i];
        }
        mean /= to - from;
        double variance = 0;
        for (int i = from; i < to; i++) {
            variance += (values[i] - mean) * (values[i] - mean);
        }
        return new Scaler(mean, Math.sqrt(variance / (to - from - 1)));
    }

    public double scale(double x) {
        return (x - mean) / std;
    }

    public double unscale(double z) {
        return z * std + mean;
    }
}
