package org.rnn4j.examples.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** One numeric column of a comma-separated price file with a header row, in file order. */
public final class PriceSeries {
    /** The DAX closes of R's EuStockMarkets data set, shipped with the examples (see README for its license). */
    public static final String EU_STOCK_MARKETS = "/org/rnn4j/examples/data/prices/EuStockMarkets.csv";
    /** Europe Brent spot price FOB, daily, from the U.S. Energy Information Administration (public domain). */
    public static final String BRENT = "/org/rnn4j/examples/data/prices/brent-daily.csv";

    private PriceSeries() {
    }

    /**
     * The time of each row, for plot axes: dates from a {@code Date} column of ISO dates ({@code 2026-08-18}), decimal
     * years from a {@code time} column (R's time series, e.g. {@code 1991.496}), else empty.
     */
    public static Optional<double[]> decimalYears(InputStream in, String source) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        if (header == null) {
            return Optional.empty();
        }
        List<String> names = Arrays.asList(header.strip().split(","));
        int date = names.indexOf("Date");
        int time = names.indexOf("time");
        if (date < 0 && time < 0) {
            return Optional.empty();
        }
        List<Double> years = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String cell = line.strip().split(",", -1)[date >= 0 ? date : time].strip();
            try {
                if (date >= 0) {
                    LocalDate d = LocalDate.parse(cell);
                    years.add(d.getYear() + (d.getDayOfYear() - 1) / (double) d.lengthOfYear());
                } else {
                    years.add(Double.parseDouble(cell));
                }
            } catch (DateTimeParseException | NumberFormatException e) {
                return Optional.empty(); // no usable time axis: the plots count trading days instead
            }
        }
        return Optional.of(years.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** {@link #decimalYears} of a classpath resource. */
    public static Optional<double[]> decimalYearsFromResource(String resource) throws IOException {
        try (InputStream in = PriceSeries.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : decimalYears(in, resource);
        }
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
