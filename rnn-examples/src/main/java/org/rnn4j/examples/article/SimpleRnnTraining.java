package org.rnn4j.examples.article;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Optimizer;
import org.rnn4j.examples.DemoVersion;
import org.rnn4j.examples.data.PriceSeries;
import org.rnn4j.nd4j.layer.RecurrentLayer;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.loss.Reduction;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The article's {@code SimpleRNN} and its {@code train} function on a small real task: read a window of daily DAX
 * closes (scaled to [0, 1] over the series) one day at a time and predict the next day's close at every step.
 * As in the article, each sequence starts from a zero hidden state, the loss is summed over its steps (with one output
 * and one sequence per step, PyTorch's per-step {@code MSELoss()} summed over steps is {@code MSE(SUM)}), and one SGD
 * step follows each sequence.
 */
@Command(name = "simple-rnn", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "Trains the article's SimpleRNN with its train loop on daily DAX closes.")
public final class SimpleRnnTraining implements Callable<Integer> {
    @Option(names = "--epochs", defaultValue = "3", description = "passes over the sequences (default: ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--hidden", defaultValue = "16", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden;
    @Option(names = "--window", defaultValue = "20", description = "days per sequence (default: ${DEFAULT-VALUE})")
    int window;
    @Option(names = "--lr", defaultValue = "0.01", description = "SGD learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;
    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    /** Average per-step loss before training and after each epoch. */
    public record History(double before, double[] afterEpoch) {
    }

    /** The article's {@code train}: one sequence, zero initial state, loss summed over steps, one optimizer step. */
    public static double train(INDArray input, INDArray target, SequenceModel rnn, Loss lossFunction,
                               Optimizer optimizer) {
        double loss = rnn.computeGradients(input, target, lossFunction);
        optimizer.step(rnn.parameters(), rnn.gradients());
        return loss / input.size(0);
    }

    public static History run(double[] series, int hidden, int window, int epochs, double learningRate, long seed) {
        Checks.positive(epochs, "epochs");
        if (window < 1 || series.length < window + 2) {
            throw new IllegalArgumentException("window must be in [1, " + (series.length - 2) + "] but is " + window);
        }
        double[] scaled = minMaxScale(series);
        SequenceModel rnn = SequenceModel.builder()
                .recurrent(RecurrentLayer.of(new ArticleSimpleRnn(1, hidden, 1)))
                .dataType(DataType.DOUBLE)
                .seed(seed)
                .build();
        Loss loss = new MeanSquaredError(Reduction.SUM);
        Optimizer sgd = new Sgd(learningRate);
        sgd.initialise(rnn.parameters());

        int count = (scaled.length - 1) / window;
        INDArray[] inputs = new INDArray[count];
        INDArray[] targets = new INDArray[count];
        for (int s = 0; s < count; s++) {
            double[] in = new double[window];
            double[] out = new double[window];
            for (int t = 0; t < window; t++) {
                in[t] = scaled[s * window + t];
                out[t] = scaled[s * window + t + 1];
            }
            inputs[s] = Nd4j.createFromArray(in).reshape(window, 1, 1);
            targets[s] = Nd4j.createFromArray(out).reshape(window, 1, 1);
        }
        double before = meanLoss(rnn, inputs, targets, loss);
        double[] after = new double[epochs];
        SplittableRandom order = new SplittableRandom(seed);
        int[] perm = java.util.stream.IntStream.range(0, count).toArray();
        for (int e = 0; e < epochs; e++) {
            for (int i = count - 1; i > 0; i--) {
                int j = order.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
            for (int s : perm) {
                train(inputs[s], targets[s], rnn, loss, sgd);
            }
            after[e] = meanLoss(rnn, inputs, targets, loss);
        }
        return new History(before, after);
    }

    private static double meanLoss(SequenceModel rnn, INDArray[] inputs, INDArray[] targets, Loss loss) {
        double sum = 0;
        for (int s = 0; s < inputs.length; s++) {
            sum += loss.compute(rnn.predict(inputs[s]), targets[s]).loss() / inputs[s].size(0);
        }
        return sum / inputs.length;
    }

    static double[] minMaxScale(double[] v) {
        double lo = java.util.Arrays.stream(v).min().orElseThrow();
        double hi = java.util.Arrays.stream(v).max().orElseThrow();
        return java.util.Arrays.stream(v).map(x -> (x - lo) / (hi - lo)).toArray();
    }

    @Override
    public Integer call() throws IOException {
        double[] dax = PriceSeries.fromResource(PriceSeries.EU_STOCK_MARKETS, "DAX");
        System.out.printf("SimpleRNN (hidden %d) on %d daily DAX closes, windows of %d days, SGD lr %.3g%n",
                hidden, dax.length, window, learningRate);
        History h = run(dax, hidden, window, epochs, learningRate, seed);
        System.out.printf("mean per-step squared error before training: %.6f%n", h.before());
        for (int e = 0; e < h.afterEpoch().length; e++) {
            System.out.printf("after epoch %d: %.6f%n", e + 1, h.afterEpoch()[e]);
        }
        System.out.printf("loss fell by a factor of %.1f%n", h.before() / h.afterEpoch()[h.afterEpoch().length - 1]);
        return 0;
    }
}
