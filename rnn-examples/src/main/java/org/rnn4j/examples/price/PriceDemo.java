package org.rnn4j.examples.price;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.rnn4j.examples.DemoVersion;
import org.rnn4j.examples.ProgressOption;
import org.rnn4j.examples.data.PriceSeries;
import org.rnn4j.nd4j.eval.RegressionMetrics;
import org.rnn4j.train.EpochSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code price} demo: next-day (or h-day) forecasts of a real price series against honest baselines. */
@Command(name = "price", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "Trains an LSTM/GRU on windows of daily log returns to forecast a price series (DAX by "
                + "default) and compares it on the test span with persistence and a moving average; writes PNG plots.")
public final class PriceDemo implements Callable<Integer> {
    /** Shipped series: name → resource and column. */
    static final Map<String, String[]> SERIES = Map.of(
            "dax", new String[] {PriceSeries.EU_STOCK_MARKETS, "DAX"},
            "smi", new String[] {PriceSeries.EU_STOCK_MARKETS, "SMI"},
            "cac", new String[] {PriceSeries.EU_STOCK_MARKETS, "CAC"},
            "ftse", new String[] {PriceSeries.EU_STOCK_MARKETS, "FTSE"},
            "brent", new String[] {PriceSeries.BRENT, "Price"});

    @Option(names = "--series", defaultValue = "dax", description = "a shipped series: dax, smi, cac, ftse (R's "
            + "EuStockMarkets 1991-1998) or brent (EIA daily spot 1987-2026) (default: ${DEFAULT-VALUE})")
    String series;
    @Option(names = "--file", description = "a CSV file with a header row instead of a shipped series")
    Path file;
    @Option(names = "--column", description = "the price column of --file (default: Close)", defaultValue = "Close")
    String column;
    @Option(names = "--cell", defaultValue = "lstm", description = "lstm or gru (default: ${DEFAULT-VALUE})")
    String cell;
    @Option(names = "--window", defaultValue = "30", description = "days of returns per input (default: "
            + "${DEFAULT-VALUE})")
    int window;
    @Option(names = "--horizon", defaultValue = "1", description = "forecast this many days ahead (default: "
            + "${DEFAULT-VALUE})")
    int horizon;
    @Option(names = "--hidden", defaultValue = "32", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden;
    @Option(names = "--epochs", defaultValue = "30", description = "at most this many epochs (default: "
            + "${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--patience", defaultValue = "5", description = "early stopping patience on the validation loss "
            + "(default: ${DEFAULT-VALUE})")
    int patience;
    @Option(names = "--batch-size", defaultValue = "64", description = "windows per mini-batch (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--lr", defaultValue = "0.002", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;
    @Option(names = "--moving-average", defaultValue = "5", description = "days in the moving-average baseline "
            + "(default: ${DEFAULT-VALUE})")
    int movingAverage;
    @Option(names = "--seed", defaultValue = "7", description = "seed of the initialisation and the batch order (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--out", defaultValue = "rnn4j-output", description = "folder for the plots (default: "
            + "${DEFAULT-VALUE})")
    Path out;
    @Mixin
    ProgressOption progress;

    @Override
    public Integer call() throws Exception {
        PricePipeline.Settings settings = new PricePipeline.Settings(cell, window, horizon, hidden, epochs, batchSize,
                learningRate, patience, movingAverage, seed, progress.enabled());
        String name = file != null ? file + " [" + column + "]" : series;
        double[] prices = load();
        System.out.printf("%s: %d daily prices; forecasting %d day(s) ahead from %d days of log returns with %s%n",
                name, prices.length, horizon, window, cell.toUpperCase(Locale.ROOT));
        PricePipeline.Report r = PricePipeline.run(prices, settings);
        System.out.printf("%nchronological split: train %d, validation %d, test %d forecasts; the scaler saw the "
                + "training span only%n", r.sizes()[0], r.sizes()[1], r.sizes()[2]);
        System.out.printf("trained %d epochs (best validation loss at epoch %d), %.0f s in all%n%n",
                r.training().history().size(), r.training().bestEpoch() + 1, r.seconds());
        System.out.println("test span (price units)       RMSE        MAE       MAPE");
        row("persistence (no change)", r.persistenceErrors());
        row(movingAverage + "-day moving average", r.movingAverageErrors());
        row(cell.toUpperCase(Locale.ROOT) + " (rnn4j)", r.networkErrors());
        double vsPersistence = r.networkErrors().rmse() / r.persistenceErrors().rmse();
        System.out.printf("%nThe network's RMSE is %.3f× persistence's: it %s the naive forecast%s.%n", vsPersistence,
                vsPersistence < 0.99 ? "beats" : vsPersistence <= 1.01 ? "ties with" : "does not beat",
                vsPersistence >= 0.99 ? " (normal for daily prices, which are close to a random walk)" : "");

        String stem = file != null ? file.getFileName().toString().replaceFirst("\\.[^.]*$", "") : series;
        Optional<double[]> years = loadYears();
        int n = r.testDays().length;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            int day = r.testDays()[i] + horizon; // the day a forecast is for
            x[i] = years.isPresent() && day < years.get().length ? years.get()[day] : day;
        }
        String label = cell.toUpperCase(Locale.ROOT);
        Path forecastPlot = out.resolve("price-" + stem + "-test.png");
        plot(years.isPresent(), forecastPlot, name + ": test span, " + horizon + "-day-ahead forecasts", "price", x,
                forecasts(r, label, 0, n));
        // the last 60 days, where the lines can be told apart, and each forecast's error
        int from = Math.max(0, n - 60);
        double[] lastX = Arrays.copyOfRange(x, from, n);
        Path recentPlot = out.resolve("price-" + stem + "-last60.png");
        plot(years.isPresent(), recentPlot, name + ": the last " + (n - from) + " test days", "price", lastX,
                forecasts(r, label, from, n));
        Map<String, double[]> errors = new LinkedHashMap<>();
        errors.put(label + " error", difference(r.network(), r.actual(), from, n));
        errors.put("persistence error", difference(r.persistence(), r.actual(), from, n));
        Path errorPlot = out.resolve("price-" + stem + "-last60-errors.png");
        plot(years.isPresent(), errorPlot, name + ": forecast minus actual, the last " + (n - from) + " test days",
                "error (price units)", lastX, errors);
        Path lossPlot = out.resolve("price-" + stem + "-loss.png");
        int epochsRun = r.training().history().size();
        double[] e = new double[epochsRun];
        double[] trainLoss = new double[epochsRun];
        double[] validationLoss = new double[epochsRun];
        for (int i = 0; i < epochsRun; i++) {
            EpochSummary s = r.training().history().get(i);
            e[i] = i + 1;
            trainLoss[i] = s.trainLoss();
            validationLoss[i] = s.validationLoss();
        }
        Plots.lines(lossPlot, name + ": loss per epoch (MSE of standardised log returns)", "epoch", "loss", e,
                Map.of("training", trainLoss, "validation", validationLoss));
        System.out.printf("plots: %s, %s, %s, %s%n", forecastPlot, recentPlot, errorPlot, lossPlot);
        return 0;
    }

    /** Over dates where the series has them, else over trading days. */
    private static void plot(boolean dated, Path file, String title, String yTitle, double[] x,
                             Map<String, double[]> lines) throws IOException {
        if (dated) {
            Plots.overTime(file, title, yTitle, x, lines);
        } else {
            Plots.lines(file, title, "trading day", yTitle, x, lines);
        }
    }

    private static Map<String, double[]> forecasts(PricePipeline.Report r, String label, int from, int to) {
        Map<String, double[]> lines = new LinkedHashMap<>();
        lines.put("actual", Arrays.copyOfRange(r.actual(), from, to));
        lines.put(label + " forecast", Arrays.copyOfRange(r.network(), from, to));
        lines.put("persistence", Arrays.copyOfRange(r.persistence(), from, to));
        return lines;
    }

    private static double[] difference(double[] a, double[] b, int from, int to) {
        double[] d = new double[to - from];
        for (int i = from; i < to; i++) {
            d[i - from] = a[i] - b[i];
        }
        return d;
    }

    /** The series' time axis, if its file has one (see {@link PriceSeries#decimalYears}). */
    private Optional<double[]> loadYears() throws IOException {
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                return PriceSeries.decimalYears(in, file.toString());
            }
        }
        return PriceSeries.decimalYearsFromResource(SERIES.get(series.toLowerCase(Locale.ROOT))[0]);
    }

    private static void row(String name, RegressionMetrics m) {
        System.out.printf("%-28s %8.2f   %8.2f    %5.2f%%%n", name, m.rmse(), m.mae(), m.mape());
    }

    private double[] load() throws IOException {
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "no such price file");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return PriceSeries.read(in, file.toString(), column);
            }
        }
        String[] shipped = SERIES.get(series.toLowerCase(Locale.ROOT));
        if (shipped == null) {
            throw new IllegalArgumentException("--series must be one of " + new java.util.TreeSet<>(SERIES.keySet())
                    + " but is '" + series + "' (or give --file and --column)");
        }
        return PriceSeries.fromResource(shipped[0], shipped[1]);
    }
}
