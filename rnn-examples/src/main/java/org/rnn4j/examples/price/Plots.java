package org.rnn4j.examples.price;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts written as PNG with XChart (headless). */
final class Plots {
    private Plots() {
    }

    static void lines(Path file, String title, String xTitle, String yTitle, double[] x, Map<String, double[]> series)
            throws IOException {
        XYChart chart = chart(title, xTitle, yTitle);
        series.forEach((name, y) -> chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE));
        save(chart, file);
    }

    /** {@link #lines} over dates: {@code years} are decimal years (2026.5 is about July 2nd), shown as dates. */
    static void overTime(Path file, String title, String yTitle, double[] years, Map<String, double[]> series)
            throws IOException {
        List<Date> dates = new ArrayList<>(years.length);
        for (double year : years) {
            int whole = (int) Math.floor(year);
            LocalDate start = LocalDate.of(whole, 1, 1);
            LocalDate day = start.plusDays(Math.round((year - whole) * start.lengthOfYear()));
            dates.add(Date.from(day.atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        long span = dates.isEmpty() ? 0 : dates.get(dates.size() - 1).getTime() - dates.get(0).getTime();
        XYChart chart = chart(title, "date", yTitle);
        chart.getStyler().setDatePattern(span > 2L * 365 * 86_400_000 ? "yyyy-MM" : "yyyy-MM-dd");
        chart.getStyler().setTimezone(java.util.TimeZone.getTimeZone("UTC"));
        series.forEach((name, y) -> {
            List<Double> values = new ArrayList<>(y.length);
            for (double v : y) {
                values.add(v);
            }
            chart.addSeries(name, dates, values).setMarker(SeriesMarkers.NONE);
        });
        save(chart, file);
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(1000).height(500).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        return chart;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // XChart appends the extension itself
        String base = file.toAbsolutePath().toString().replaceFirst("\\.png$", "");
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
