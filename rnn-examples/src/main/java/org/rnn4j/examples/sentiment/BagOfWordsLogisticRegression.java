package org.rnn4j.examples.sentiment;

import java.util.Arrays;
import java.util.List;

/**
 * The baseline an RNN must be compared with: logistic regression on which vocabulary words a sentence contains
 * (binary bag of words, order ignored), trained by full-batch gradient descent with L2 regularisation in plain Java.
 * It needs no ND4J: a sentence has a dozen words, so the features are sparse id lists.
 */
public final class BagOfWordsLogisticRegression {
    private final double[] weights;
    private double bias;

    private BagOfWordsLogisticRegression(int vocabularySize) {
        this.weights = new double[vocabularySize];
    }

    /**
     * @param sentences ids per sentence ({@link Vocabulary#encode}); padding and OOV ids carry no weight
     * @param labels    0 or 1
     */
    public static BagOfWordsLogisticRegression train(List<int[]> sentences, int[] labels, int vocabularySize,
                                                     int epochs, double learningRate, double l2) {
        BagOfWordsLogisticRegression model = new BagOfWordsLogisticRegression(vocabularySize);
        int n = sentences.size();
        int[][] features = sentences.stream().map(BagOfWordsLogisticRegression::distinctWords).toArray(int[][]::new);
        double[] gradient = new double[vocabularySize];
        for (int epoch = 0; epoch < epochs; epoch++) {
            Arrays.fill(gradient, 0);
            double biasGradient = 0;
            for (int i = 0; i < n; i++) {
                double error = sigmoid(model.logit(features[i])) - labels[i];
                for (int w : features[i]) {
                    gradient[w] += error;
                }
                biasGradient += error;
            }
            for (int w = 0; w < vocabularySize; w++) {
                model.weights[w] -= learningRate * (gradient[w] / n + l2 * model.weights[w]);
            }
            model.bias -= learningRate * biasGradient / n;
        }
        return model;
    }

    private static int[] distinctWords(int[] ids) {
        return Arrays.stream(ids).filter(id -> id > Vocabulary.UNKNOWN).distinct().toArray();
    }

    private double logit(int[] words) {
        double z = bias;
        for (int w : words) {
            z += weights[w];
        }
        return z;
    }

    /** The probability that the sentence is positive. */
    public double probability(int[] ids) {
        return sigmoid(logit(distinctWords(ids)));
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
