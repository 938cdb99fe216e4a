package org.rnn4j.nd4j.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Accuracy, per-class precision/recall/F1, macro F1, the confusion matrix, and ROC AUC for binary scores. Classes
 * are ints {@code 0..classes-1}. Undefined ratios (a class never predicted or never present) are reported as 0, as
 * scikit-learn does with {@code zero_division=0}.
 */
public final class ClassificationMetrics {
    private final long[][] confusion;
    private final long total;

    private ClassificationMetrics(long[][] confusion) {
        this.confusion = confusion;
        this.total = Arrays.stream(confusion).flatMapToLong(Arrays::stream).sum();
    }

    /** From true and predicted class ids of equal length. */
    public static ClassificationMetrics of(int[] actual, int[] predicted, int classes) {
        if (actual == null || predicted == null) {
            throw new IllegalArgumentException("actual and predicted must not be null");
        }
        if (actual.length != predicted.length || actual.length == 0) {
            throw new IllegalArgumentException("actual and predicted must have the same non-zero length but have "
                    + actual.length + " and " + predicted.length);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2 but is " + classes);
        }
        long[][] c = new long[classes][classes];
        for (int i = 0; i < actual.length; i++) {
            check(actual[i], classes, "actual", i);
            check(predicted[i], classes, "predicted", i);
            c[actual[i]][predicted[i]]++;
        }
        return new ClassificationMetrics(c);
    }

    private static void check(int label, int classes, String name, int i) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException(name + "[" + i + "] must be a class in [0, " + (classes - 1)
                    + "] but is " + label);
        }
    }

    /** Rows: actual class; columns: predicted class. A copy. */
    public long[][] confusionMatrix() {
        return Arrays.stream(confusion).map(long[]::clone).toArray(long[][]::new);
    }

    public double accuracy() {
        return (double) IntStream.range(0, confusion.length).mapToLong(k -> confusion[k][k]).sum() / total;
    }

    public double precision(int k) {
        long predicted = IntStream.range(0, confusion.length).mapToLong(a -> confusion[a][k]).sum();
        return predicted == 0 ? 0 : (double) confusion[k][k] / predicted;
    }

    public double recall(int k) {
        long present = Arrays.stream(confusion[k]).sum();
        return present == 0 ? 0 : (double) confusion[k][k] / present;
    }

    public double f1(int k) {
        double p = precision(k);
        double r = recall(k);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** The unweighted mean of the per-class F1 scores. */
    public double macroF1() {
        return IntStream.range(0, confusion.length).mapToDouble(this::f1).average().orElse(0);
    }

    /**
     * The area under the ROC curve of binary scores (higher = more likely class 1): the probability that a random
     * positive scores above a random negative, ties counting one half (the Mann-Whitney statistic).
     */
    public static double rocAuc(int[] actual, double[] scores) {
        if (actual == null || scores == null || actual.length != scores.length || actual.length == 0) {
            throw new IllegalArgumentException("actual and scores must have the same non-zero length");
        }
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double rankSumPositives = 0;
        long positives = 0;
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                int label = actual[order[k]];
                if (label != 0 && label != 1) {
                    throw new IllegalArgumentException("actual[" + order[k] + "] must be 0 or 1 but is " + label);
                }
                if (!Double.isFinite(scores[order[k]])) {
                    throw new IllegalArgumentException("scores[" + order[k] + "] is not finite");
                }
                if (label == 1) {
                    rankSumPositives += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = actual.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("ROC AUC needs both classes but actual has " + positives
                    + " positives and " + negatives + " negatives");
        }
        return (rankSumPositives - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
    }
}
