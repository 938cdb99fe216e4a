package org.rnn4j.examples.dates;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * An attention heatmap as PNG (XChart, headless): the source characters across, the written characters down, each
 * cell the weight the decoder gave that source character when writing that output character. A character the chart's
 * font cannot draw (CJK on a machine without CJK fonts) is labelled by its code point, {@code U+5E74}.
 */
public final class AttentionHeatmap {
    private AttentionHeatmap() {
    }

    /**
     * @param attention {@code [written characters][source characters]}, each row summing to 1
     */
    public static Path write(Path file, String title, String source, String written, double[][] attention)
            throws IOException {
        int[] in = source.codePoints().toArray();
        int[] out = written.codePoints().toArray();
        int rows = Math.min(out.length, attention.length);
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(500, 60 + 26 * in.length))
                .height(Math.max(300, 140 + 26 * rows)).title(title).xAxisTitle("source").yAxisTitle("written")
                .build();
        Font font = chart.getStyler().getAxisTickLabelsFont();
        List<String> x = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            x.add(label(font, in[i], i));
        }
        List<String> y = new ArrayList<>();
        List<Number[]> cells = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            y.add(label(font, out[rows - 1 - r], r)); // the first written character on top
            for (int c = 0; c < in.length && c < attention[rows - 1 - r].length; c++) {
                cells.add(new Number[] {c, r, attention[rows - 1 - r][c]});
            }
        }
        chart.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(0x2B, 0x57, 0x9A)});
        chart.getStyler().setMin(0).setMax(1);
        chart.getStyler().setPlotContentSize(1);
        chart.addSeries("attention", x, y, cells);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /**
     * The character, or its code point when the font cannot draw it; spaces shown as {@code ␣}. Invisible
     * zero-width marks ({@code position} of them) keep repeated characters apart as distinct columns.
     */
    private static String label(Font font, int codePoint, int position) {
        String text = codePoint == ' ' ? "\u2423" : font.canDisplay(codePoint) ? Character.toString(codePoint)
                : String.format("U+%04X", codePoint);
        return text + "\u200B".repeat(position);
    }
}
