package org.rnn4j.examples.price;

import org.rnn4j.api.Checks;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.eval.RegressionMetrics;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Predictions;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingResult;

/**
 * Windows of standardised log returns ({@link PriceWindows}) → LSTM or GRU → final hidden state → one output: the
 * standardised log return over the next {@code horizon} days, trained with MSE and Adam, early-stopped on the
 * validation loss. On the test span its price forecasts are scored next to persistence (the price in
 * {@code horizon} days equals today's) and a moving average of the last days.
 */
public final class PricePipeline {
    private PricePipeline() {
    }

    public record Settings(String cell, int window, int horizon, int hiddenSize, int epochs, int batchSize,
                           double learningRate, int patience, int movingAverage, long seed, boolean progressBar) {
        public Settings {
            if (!cell.equals("gru") && !cell.equals("lstm")) {
                throw new IllegalArgumentException("--cell must be gru or lstm but is '" + cell + "'");
            }
            Checks.positive(window, "--window");
            Checks.positive(horizon, "--horizon");
            Checks.positive(hiddenSize, "--hidden");
            Checks.positive(epochs, "--epochs");
            Checks.positive(batchSize, "--batch-size");
            Checks.positive(movingAverage, "--moving-average");
            Checks.positiveFinite(learningRate, "--lr");
            if (patience < 0) {
                throw new IllegalArgumentException("--patience must be >= 0 but is " + patience);
            }
        }
    }

    /** Test-span price forecasts and their errors. */
    public record Report(int[] sizes, int[] testDays, double[] actual, double[] network, double[] persistence,
                         double[] movingAverage, RegressionMetrics networkErrors, RegressionMetrics persistenceErrors,
                         RegressionMetrics movingAverageErrors, TrainingResult training, double seconds) {
    }

    public static Report run(double[] prices, Settings s) {
        long start = System.nanoTime();
        if (s.movingAverage() > s.window()) {
            throw new IllegalArgumentException("--moving-average (" + s.movingAverage() + ") must not exceed --window ("
                    + s.window() + ")");
        }
        PriceWindows windows = new PriceWindows(prices, s.window(), s.horizon());
        RecurrentCellSpec cell = s.cell().equals("gru") ? Gru.builder(1, s.hiddenSize()).build()
                : Lstm.builder(1, s.hiddenSize()).build();
        SequenceModel model = SequenceModel.builder().recurrent(cell).head(Dense.builder(s.hiddenSize(), 1).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).seed(s.seed()).build();
        TrainingResult training = Trainer.builder(model, new MeanSquaredError(), new Adam(s.learningRate()))
                .epochs(s.epochs()).batchSize(s.batchSize()).seed(s.seed()).clipGradientNorm(1)
                .validation(windows.validation(), Metrics.loss(new MeanSquaredError()))
                .earlyStopping(s.patience()).progressBar(s.progressBar()).build()
                .fit(windows.train());

        double[] predicted = Predictions.of(model, windows.test(), 256).predictions().reshape(-1).toDoubleVector();
        int[] days = windows.testDays();
        int n = days.length;
        double[] actual = new double[n];
        double[] network = new double[n];
        double[] persistence = new double[n];
        double[] average = new double[n];
        for (int i = 0; i < n; i++) {
            int t = days[i];
            actual[i] = windows.price(t + s.horizon());
            network[i] = windows.forecast(t, predicted[i]);
            persistence[i] = windows.price(t);
            double sum = 0;
            for (int j = 0; j < s.movingAverage(); j++) {
                sum += windows.price(t - j);
            }
            average[i] = sum / s.movingAverage();
        }
        return new Report(windows.sizes(), days, actual, network, persistence, average,
                RegressionMetrics.of(actual, network), RegressionMetrics.of(actual, persistence),
                RegressionMetrics.of(actual, average), training, (System.nanoTime() - start) / 1e9);
    }
}
