package org.rnn4j.examples.dates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.examples.DemoRun;
import org.rnn4j.nd4j.io.ModelArchive;
import org.rnn4j.nd4j.model.EncoderDecoder;

/**
 * The dates demo end to end on a small run (it learns something, writes the heatmaps and a model file that loads),
 * and its parts: the character vocabulary and the copy-the-digits baseline.
 */
class DatesDemoTest {
    @TempDir
    Path dir;

    @Test
    void aShortRunLearnsWritesHeatmapsAndAModelThatLoads() throws Exception {
        DemoRun run = DemoRun.of("dates", "--train", "600", "--validation", "100", "--test", "100", "--epochs", "2",
                "--embedding", "12", "--hidden", "24", "--heatmaps", "2", "--out", dir.toString(), "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("model, greedy decoding") && run.out().contains("copy the digits"), run.out());
        for (int i = 1; i <= 2; i++) {
            BufferedImage png = ImageIO.read(dir.resolve("dates-attention-" + i + ".png").toFile());
            assertTrue(png.getWidth() >= 500 && png.getHeight() >= 300, "a heatmap image");
        }
        EncoderDecoder model = ModelArchive.loadEncoderDecoder(dir.resolve("dates.rnn4j"));
        assertEquals(24, model.config().decoder().hiddenSize());
    }

    @Test
    void theTrainedModelReadsMostUnseenDates() {
        DatesPipeline.Result r = DatesPipeline.run(new DatesPipeline.Settings(1500, 100, 100, 16, 32, 3, 64, 0.01, 2,
                3, false));
        // far above chance (0) and above the digit rule on this mix of named-month and numeric formats
        assertTrue(r.greedyAccuracy() > r.digitCopying(), "greedy " + r.greedyAccuracy() + " vs digits "
                + r.digitCopying());
        DatesPipeline.Reading first = r.test().get(0);
        int written = first.greedy().codePointCount(0, first.greedy().length());
        assertTrue(first.attention().length == written || first.attention().length == written + 1,
                "one attention row per written character, and one for the end if it was written");
        for (double[] row : first.attention()) {
            assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-5, "each row of weights sums to 1");
        }
    }

    @Test
    void theVocabularyMapsUnseenCharactersToUnknown() {
        CharVocabulary v = CharVocabulary.of(List.of("3 mars", "年"));
        assertEquals(4 + 7, v.size());
        int[] ids = v.encode("3 mai年", true);
        assertEquals(CharVocabulary.UNKNOWN, ids[4], "'a' seen, 'i' not");
        assertEquals(CharVocabulary.EOS, ids[ids.length - 1]);
        assertEquals("3 ma?年", v.decode(ids));
        assertArrayEquals(new int[0], v.encode("", false));
    }

    @Test
    void copyingTheDigitsReadsNumericFormatsOnly() {
        DigitCopying rule = new DigitCopying();
        assertEquals(Optional.of(LocalDate.of(2021, 3, 4)), rule.parse("2021年3月4日"));
        assertEquals(Optional.of(LocalDate.of(2021, 3, 4)), rule.parse("04.03.21"));
        assertEquals(Optional.empty(), rule.parse("4 mars 2021"));
        assertEquals(Optional.empty(), rule.parse("31.02.21"), "not a date");
    }
}
