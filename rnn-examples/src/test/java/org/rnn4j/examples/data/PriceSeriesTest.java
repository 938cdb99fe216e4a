package org.rnn4j.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PriceSeriesTest {
    private static double[] read(String text, String column) throws IOException {
        return PriceSeries.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "f.csv", column);
    }

    @Test
    void readsTheShippedDax() throws IOException {
        double[] dax = PriceSeries.fromResource(PriceSeries.EU_STOCK_MARKETS, "DAX");
        assertEquals(1860, dax.length);
        assertEquals(1628.75, dax[0]);
        assertEquals(5473.72, dax[dax.length - 1]);
    }

    @Test
    void readsCrlfAndSkipsBlankLines() throws IOException {
        assertArrayEquals(new double[] {1.5, 2}, read("Date,Price\r\n2000-01-01,1.5\r\n\r\n2000-01-02,2\r\n", "Price"));
    }

    @Test
    void explainsMalformedFiles() {
        assertEquals("f.csv is empty: expected a header row with a column 'Price'",
                assertThrows(IOException.class, () -> read("", "Price")).getMessage());
        assertEquals("f.csv has no column 'Price'; its columns are [Date, Close]",
                assertThrows(IOException.class, () -> read("Date,Close\n1,2\n", "Price")).getMessage());
        assertEquals("f.csv line 3: 'n/a' in column 'Price' is not a number",
                assertThrows(IOException.class, () -> read("Date,Price\n1,2\n2,n/a\n", "Price")).getMessage());
        assertEquals("f.csv line 2: expected at least 2 cells but found 1",
                assertThrows(IOException.class, () -> read("Date,Price\n1\n", "Price")).getMessage());
        assertEquals("f.csv has a header but no data rows",
                assertThrows(IOException.class, () -> read("Date,Price\n", "Price")).getMessage());
        assertEquals("f.csv line 2: value NaN is not finite",
                assertThrows(IOException.class, () -> read("Date,Price\n1,NaN\n", "Price")).getMessage());
    }

    /** Plots put forecasts on dates: ISO dates of a Date column, R's decimal years of a time column, else none. */
    @Test
    void timeAxesComeFromDatesOrDecimalYears() throws Exception {
        double[] dates = PriceSeries.decimalYears(new java.io.ByteArrayInputStream(
                "Date,Price\n2020-01-01,1\n2020-07-02,2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)), "t")
                .orElseThrow();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {2020.0, 2020 + 183 / 366.0}, dates, 1e-12);
        double[] years = PriceSeries.decimalYearsFromResource(PriceSeries.EU_STOCK_MARKETS).orElseThrow();
        org.junit.jupiter.api.Assertions.assertEquals(1991.496154, years[0], 1e-9);
        double[] brent = PriceSeries.decimalYearsFromResource(PriceSeries.BRENT).orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(brent[brent.length - 1] > 2026.6, "last " + brent[brent.length - 1]);
        org.junit.jupiter.api.Assertions.assertTrue(PriceSeries.decimalYears(new java.io.ByteArrayInputStream(
                "Close\n1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)), "t").isEmpty());
    }
}
