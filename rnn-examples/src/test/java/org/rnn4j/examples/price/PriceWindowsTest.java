package org.rnn4j.examples.price;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.rnn4j.examples.data.PriceSeries;
import org.rnn4j.train.data.Batch;
import org.rnn4j.train.data.SequenceDataset;

class PriceWindowsTest {
    private static double[] dax() throws Exception {
        return PriceSeries.fromResource(PriceSeries.EU_STOCK_MARKETS, "DAX");
    }

    @Test
    void theSplitIsChronologicalWithTheStatedShares() throws Exception {
        PriceWindows w = new PriceWindows(dax(), 30, 1);
        int forecasts = 1860 - 30 - 1;
        assertArrayEquals(new int[] {1280, 275, 274}, w.sizes());
        assertEquals(forecasts, Arrays.stream(w.sizes()).sum());
        int[] testDays = w.testDays();
        assertEquals(30 + 1280 + 275, testDays[0], "the test span starts right after validation");
        assertEquals(1860 - 2, testDays[testDays.length - 1], "the last forecast targets the last price");
        assertEquals(30 + 1279 + 1, w.lastTrainingDay());
    }

    @Test
    void theScalerNeverSeesValidationOrTestData() throws Exception {
        double[] prices = dax();
        PriceWindows original = new PriceWindows(prices, 30, 5);
        double[] changed = prices.clone();
        for (int i = original.lastTrainingDay() + 1; i < changed.length; i++) {
            changed[i] *= 1 + 0.5 * Math.sin(i); // wild moves after the training span
        }
        PriceWindows altered = new PriceWindows(changed, 30, 5);
        assertEquals(original.scaler(), altered.scaler(), "fitted on the training span only");
        assertEquals(batch(original.train()).input(), batch(altered.train()).input());
        assertEquals(batch(original.train()).targets(), batch(altered.train()).targets());
        assertTrue(!batch(original.test()).input().equals(batch(altered.test()).input()), "the change is visible");
        double[] train = new double[original.lastTrainingDay()];
        for (int i = 1; i <= original.lastTrainingDay(); i++) {
            train[i - 1] = Math.log(prices[i] / prices[i - 1]);
        }
        assertEquals(Arrays.stream(train).average().orElseThrow(), original.scaler().mean(), 1e-12);
    }

    private static Batch batch(SequenceDataset d) {
        int[] all = java.util.stream.IntStream.range(0, d.size()).toArray();
        return d.batch(all, DataType.DOUBLE);
    }

    @Test
    void aPerfectReturnForecastGivesTheActualPrice() throws Exception {
        double[] prices = dax();
        PriceWindows w = new PriceWindows(prices, 10, 3);
        int t = w.testDays()[5];
        double scaled = w.scaler().scale(Math.log(prices[t + 3] / prices[t]));
        assertEquals(prices[t + 3], w.forecast(t, scaled), 1e-9);
        SequenceDataset test = w.test();
        assertEquals(scaled, test.target(5)[0], 1e-6);
    }

    @Test
    void unusableSeriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PriceWindows(new double[] {1, 2, 3}, 30, 1));
        double[] negative = new double[200];
        Arrays.fill(negative, 10);
        negative[50] = -36.98;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PriceWindows(negative, 10, 1));
        assertTrue(e.getMessage().contains("-36.98"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PriceWindows(new double[200], 0, 1));
    }
}
