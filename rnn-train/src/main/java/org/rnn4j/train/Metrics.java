package org.rnn4j.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;
import org.rnn4j.nd4j.eval.ClassificationMetrics;
import org.rnn4j.nd4j.eval.RegressionMetrics;

/** Built-in {@link Metric}s. Binary ones read one logit per example (positive when {@code > 0}). */
public final class Metrics {
    private Metrics() {
    }

    /** The loss itself (lower is better). */
    public static Metric loss(Loss loss) {
        Checks.notNull(loss, "loss");
        return metric("loss", false, (p, t) -> loss.compute(p, t, null).loss());
    }

    /** Share of examples whose logit sign matches the 0/1 target. */
    public static Metric binaryAccuracy() {
        return metric("accuracy", true, (p, t) -> binary(p, t).accuracy());
    }

    /** F1 of the positive class, from logits. */
    public static Metric binaryF1() {
        return metric("f1", true, (p, t) -> binary(p, t).f1(1));
    }

    /** Share of examples whose largest logit is the target class index. */
    public static Metric accuracy() {
        return metric("accuracy", true, (p, t) -> {
            int[] predicted = p.argMax(1).toIntVector();
            int[] actual = t.reshape(-1).toIntVector();
            return ClassificationMetrics.of(actual, predicted, (int) p.size(1)).accuracy();
        });
    }

    public static Metric rmse() {
        return metric("rmse", false, (p, t) -> regression(p, t).rmse());
    }

    public static Metric mae() {
        return metric("mae", false, (p, t) -> regression(p, t).mae());
    }

    static ClassificationMetrics binary(INDArray logits, INDArray targets) {
        double[] z = logits.reshape(-1).toDoubleVector();
        double[] y = targets.reshape(-1).toDoubleVector();
        int[] predicted = new int[z.length];
        int[] actual = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            predicted[i] = z[i] > 0 ? 1 : 0;
            actual[i] = y[i] >= 0.5 ? 1 : 0;
        }
        return ClassificationMetrics.of(actual, predicted, 2);
    }

    private static RegressionMetrics regression(INDArray predictions, INDArray targets) {
        return RegressionMetrics.of(targets.reshape(-1).toDoubleVector(), predictions.reshape(-1).toDoubleVector());
    }

    private interface Score {
        double score(INDArray predictions, INDArray targets);
    }

    private static Metric metric(String name, boolean higherIsBetter, Score score) {
        return new Metric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean higherIsBetter() {
                return higherIsBetter;
            }

            @Override
            public double score(INDArray predictions, INDArray targets) {
                return score.score(predictions, targets);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
