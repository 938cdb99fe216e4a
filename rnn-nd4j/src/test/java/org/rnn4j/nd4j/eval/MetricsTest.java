package org.rnn4j.nd4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void classificationFromTheConfusionMatrix() {
        int[] actual = {0, 0, 0, 1, 1, 2, 2, 2, 2};
        int[] predicted = {0, 1, 0, 1, 1, 2, 0, 2, 1};
        ClassificationMetrics m = ClassificationMetrics.of(actual, predicted, 3);
        assertArrayEquals(new long[][] {{2, 1, 0}, {0, 2, 0}, {1, 1, 2}}, m.confusionMatrix());
        assertEquals(6.0 / 9, m.accuracy(), 1e-12);
        assertEquals(2.0 / 3, m.precision(0), 1e-12);   // column 0: 2 of 3 predicted zeros are right
        assertEquals(2.0 / 4, m.recall(2), 1e-12);      // row 2: 2 of 4 twos found
        double f1Class1 = 2 * (2.0 / 4) * 1.0 / (2.0 / 4 + 1.0);
        assertEquals(f1Class1, m.f1(1), 1e-12);
        assertEquals((m.f1(0) + m.f1(1) + m.f1(2)) / 3, m.macroF1(), 1e-12);
    }

    @Test
    void rocAucIsThePairwiseOrderingProbability() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 60;
        int[] actual = new int[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            actual[i] = i % 3 == 0 ? 1 : 0;
            scores[i] = Math.floor(r.nextDouble() * 10) + actual[i] * 2; // ties on purpose
        }
        double pairs = 0;
        double wins = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (actual[i] == 1 && actual[j] == 0) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        assertEquals(wins / pairs, ClassificationMetrics.rocAuc(actual, scores), 1e-12);
        assertEquals(1.0, ClassificationMetrics.rocAuc(new int[] {0, 1, 1}, new double[] {0.1, 0.5, 0.9}));
        assertEquals(0.5, ClassificationMetrics.rocAuc(new int[] {0, 1}, new double[] {0.3, 0.3}));
    }

    @Test
    void regression() {
        RegressionMetrics m = RegressionMetrics.of(new double[] {1, 2, 0, 4}, new double[] {2, 2, 1, 2});
        assertEquals((1 + 0 + 1 + 4) / 4.0, m.mse(), 1e-12);
        assertEquals(Math.sqrt(1.5), m.rmse(), 1e-12);
        assertEquals((1 + 0 + 1 + 2) / 4.0, m.mae(), 1e-12);
        assertEquals(100 * (1.0 + 0 + 0.5) / 3, m.mape(), 1e-12, "the zero actual is left out");
    }

    @Test
    void badInputIsNamed() {
        assertEquals("predicted[1] must be a class in [0, 1] but is 2", assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.of(new int[] {0, 1}, new int[] {0, 2}, 2)).getMessage());
        assertEquals("ROC AUC needs both classes but actual has 0 positives and 2 negatives", assertThrows(
                IllegalArgumentException.class, () -> ClassificationMetrics.rocAuc(new int[] {0, 0},
                        new double[] {1, 2})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.of(new double[] {1},
                new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[0], new int[0], 2));
    }
}
