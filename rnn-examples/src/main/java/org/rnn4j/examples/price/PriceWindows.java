package org.rnn4j.examples.price;

import java.util.ArrayList;
import java.util.List;
import org.rnn4j.train.data.SequenceDataset;

/**
 * Sliding windows over a daily price series, split chronologically. For a forecast made at the close of day
 * {@code t} for day {@code t + h}:
 * <pre>
 *   input   the log returns r_{t-W+1} ... r_t  (r_i = ln(p_i / p_{i-1})), standardised       [W steps, 1 feature]
 *   target  ln(p_{t+h} / p_t), standardised with the same scaler
 *   forecast p̂_{t+h} = p_t · exp(predicted log return)
 * </pre>
 * Forecast days {@code t} run from {@code W} to {@code N-1-h}; the first 70% are training, the next 15% validation,
 * the last 15% test. The scaler is fitted on the returns up to the last training target day
 * ({@code t_lastTrain + h}): later returns are never seen by it, and no training target reaches past it.
 */
public final class PriceWindows {
    public static final double TRAIN_SHARE = 0.7;
    public static final double VALIDATION_SHARE = 0.15;

    private final double[] prices;
    private final double[] returns;
    private final int window;
    private final int horizon;
    private final int[] days;
    private final int trainEnd;
    private final int validationEnd;
    private final Scaler scaler;

    public PriceWindows(double[] prices, int window, int horizon) {
        if (window < 1 || horizon < 1) {
            throw new IllegalArgumentException("window and horizon must be >= 1, got " + window + " and " + horizon);
        }
        for (int i = 0; i < prices.length; i++) {
            if (!(prices[i] > 0 && Double.isFinite(prices[i]))) {
                throw new IllegalArgumentException("price " + i + " is " + prices[i] + "; log returns need positive "
                        + "prices");
            }
        }
        int forecasts = prices.length - window - horizon;
        if (forecasts < 20) {
            throw new IllegalArgumentException(prices.length + " prices leave " + Math.max(forecasts, 0)
                    + " forecasts for window " + window + " and horizon " + horizon + "; need at least 20");
        }
        this.prices = prices.clone();
        this.window = window;
        this.horizon = horizon;
        this.returns = new double[prices.length];
        for (int i = 1; i < prices.length; i++) {
            returns[i] = Math.log(prices[i] / prices[i - 1]);
        }
        this.days = new int[forecasts];
        for (int k = 0; k < forecasts; k++) {
            days[k] = window + k;
        }
        this.trainEnd = (int) Math.round(forecasts * TRAIN_SHARE);
        this.validationEnd = (int) Math.round(forecasts * (TRAIN_SHARE + VALIDATION_SHARE));
        this.scaler = Scaler.fit(returns, 1, lastTrainingDay() + 1);
    }

    /** The last day whose price any training example reads: the last training target day. */
    public int lastTrainingDay() {
        return days[trainEnd - 1] + horizon;
    }

    public Scaler scaler() {
        return scaler;
    }

    public SequenceDataset train() {
        return dataset(0, trainEnd);
    }

    public SequenceDataset validation() {
        return dataset(trainEnd, validationEnd);
    }

    public SequenceDataset test() {
        return dataset(validationEnd, days.length);
    }

    /** Forecast days {@code t} of the test span. */
    public int[] testDays() {
        return java.util.Arrays.copyOfRange(days, validationEnd, days.length);
    }

    public int[] sizes() {
        return new int[] {trainEnd, validationEnd - trainEnd, days.length - validationEnd};
    }

    private SequenceDataset dataset(int from, int to) {
        List<float[][]> inputs = new ArrayList<>();
        float[][] targets = new float[to - from][];
        for (int k = from; k < to; k++) {
            int t = days[k];
            float[][] steps = new float[window][];
            for (int j = 0; j < window; j++) {
                steps[j] = new float[] {(float) scaler.scale(returns[t - window + 1 + j])};
            }
            inputs.add(steps);
            targets[k - from] = new float[] {(float) scaler.scale(Math.log(prices[t + horizon] / prices[t]))};
        }
        return SequenceDataset.ofVectors(inputs, targets);
    }

    /** The price forecast for day {@code t + h} from a standardised predicted log return. */
    public double forecast(int t, double scaledPrediction) {
        return prices[t] * Math.exp(scaler.unscale(scaledPrediction));
    }

    public double price(int day) {
        return prices[day];
    }

    public int horizon() {
        return horizon;
    }
}
