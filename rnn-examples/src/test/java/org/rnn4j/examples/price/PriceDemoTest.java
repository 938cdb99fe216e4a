package org.rnn4j.examples.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.examples.DemoRun;
import org.rnn4j.examples.data.PriceSeries;

class PriceDemoTest {
    @TempDir
    Path dir;

    @Test
    void onASliceThePipelineScoresAgainstBothBaselines() throws Exception {
        double[] prices = Arrays.copyOf(PriceSeries.fromResource(PriceSeries.EU_STOCK_MARKETS, "DAX"), 700);
        PricePipeline.Report r = PricePipeline.run(prices, new PricePipeline.Settings("gru", 20, 1, 16, 3, 64, 0.002,
                0, 5, 1, false));
        int test = r.sizes()[2];
        assertEquals(test, r.actual().length);
        for (double[] series : new double[][] {r.network(), r.persistence(), r.movingAverage()}) {
            assertEquals(test, series.length);
            assertTrue(Arrays.stream(series).allMatch(Double::isFinite));
        }
        // a forecast of returns multiplies today's price by exp(small): close to persistence, never wild
        double relative = r.networkErrors().rmse() / r.persistenceErrors().rmse();
        assertTrue(relative > 0.8 && relative < 1.5, "network RMSE / persistence RMSE = " + relative);
        assertEquals(3, r.training().history().size());
    }

    @Test
    void theCommandPrintsTheComparisonAndWritesValidPngs() throws Exception {
        Path csv = dir.resolve("slice.csv");
        java.util.List<String> lines = Files.readAllLines(Path.of(getClass().getResource(
                "/org/rnn4j/examples/data/prices/EuStockMarkets.csv").toURI()));
        Files.write(csv, lines.subList(0, 500));
        DemoRun run = DemoRun.of("price", "--file", csv.toString(), "--column", "FTSE", "--epochs", "2",
                "--hidden", "8", "--out", dir.resolve("plots").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("persistence (no change)") && run.out().contains("moving average"), run.out());
        for (String name : new String[] {"price-slice-test.png", "price-slice-last60.png",
                "price-slice-last60-errors.png", "price-slice-loss.png"}) {
            Path png = dir.resolve("plots").resolve(name);
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
            assertEquals("\u0089PNG\r\n\u001a\n", new String(head, java.nio.charset.StandardCharsets.ISO_8859_1));
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(1000, image.getWidth());
            assertEquals(500, image.getHeight());
        }
    }

    @Test
    void badFilesAndOptionsFailWithOneLine() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        Path text = Files.writeString(dir.resolve("text.csv"), "Date,Close\n2001-01-01,12.5\n2001-01-02,twelve\n");
        DemoRun[] runs = {
            DemoRun.of("price", "--file", dir.resolve("absent.csv").toString()),
            DemoRun.of("price", "--file", empty.toString()),
            DemoRun.of("price", "--file", text.toString()),
            DemoRun.of("price", "--file", text.toString(), "--column", "Open"),
            DemoRun.of("price", "--series", "gold"),
            DemoRun.of("price", "--window", "0"),
            DemoRun.of("price", "--horizon", "soon"),
        };
        String[] expected = {"absent.csv", "empty", "'twelve'", "no column 'Open'", "gold", "--window must be > 0", "soon"};
        for (int i = 0; i < runs.length; i++) {
            assertTrue(runs[i].exitCode() != 0, "run " + i);
            assertTrue(runs[i].oneLineError() && runs[i].err().contains(expected[i]), runs[i].err());
        }
    }
}
