package org.rnn4j.examples.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One numeric column of a comma-separated price file with a header row, in file order. */
public final class PriceSeries {
    /** The DAX closes of R's EuStockMarkets data set, shipped with the examples (see README for its license). */
    public static final String EU_STOCK_MARKETS = "/org/rnn4j/examples/data/prices/EuStockMarkets.csv";
    /** Europe Brent spot price FOB, daily, from the U.S. Energy Information Administration (public domain). */
    public static final String BRENT = "/org/rnn4j/examples/data/prices/brent-daily.csv";

    private PriceSeries() {
    }

    /** Reads {@code column} from a classpath resource. */
    public static double[] fromResource(String resource, String column) throws IOException {
        InputStream in = PriceSeries.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("resource " + resource + " not found on the classpath");
        }
        try (in) {
            return read(in, resource, column);
        }
    }

    /**
     * @throws IOException with the line number when the file is empty, the column is missing, a row has too few
     *                     cells or a value is not a finite number
     */
    public static double[] read(InputStream in, String source, String column) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        if (header == null || header.isBlank()) {
            throw new IOException(source + " is empty: expected a header row with a column '" + column + "'");
        }
        List<String> names = Arrays.asList(header.strip().split(","));
        int index = names.indexOf(column);
        if (index < 0) {
            throw new IOException(source + " has no column '" + column + "'; its columns are " + names);
        }
        List<Double> values = new ArrayList<>();
        String line;
        int lineNumber = 1;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.strip().split(",", -1);
            if (cells.length <= index) {
                throw new IOException(source + " line " + lineNumber + ": expected at least " + (index + 1)
                        + " cells but found " + cells.length);
            }
            double v;
            try {
                v = Double.parseDouble(cells[index].strip());
            } catch (NumberFormatException e) {
                throw new IOException(source + " line " + lineNumber + ": '" + cells[index] + "' in column '"
                        + column + "' is not a number");
            }
            if (!Double.isFinite(v)) {
                throw new IOException(source + " line " + lineNumber + ": value " + v + " is not finite");
            }
            values.add(v);
        }
        if (values.isEmpty()) {
            throw new IOException(source + " has a header but no data rows");
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
