package org.rnn4j.examples.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.nd4j.io.ModelArchive;
import org.rnn4j.nd4j.model.Probabilities;
import org.rnn4j.nd4j.model.SequenceModel;

/** The README's quick start is this directory's {@code QuickStart.java}, imports included, and it learns. */
class QuickStartTest {
    private static final Path SOURCE = Path.of("src/test/java/org/rnn4j/examples/readme/QuickStart.java");

    @Test
    void theReadmeShowsQuickStartVerbatim() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        Matcher block = Pattern.compile("<!-- quick start: QuickStart\\.java -->\\s*```java\\n(.*?)```",
                Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README.md has no quick-start block");
        String file = Files.readString(SOURCE).replaceFirst("(?s)^package [\\w.]+;\\s*", "");
        assertEquals(file, block.group(1));
    }

    @Test
    void quickStartTrainsSavesLoadsAndPredicts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("quick-start.rnn4j");
        QuickStart.main(new String[] {file.toString()});
        SequenceModel loaded = ModelArchive.load(file);
        float[][] p = Probabilities.of(loaded.predictVectors(List.of(
                new float[][] {{1.5f, 0}, {0.5f, 0}, {1, 0}}, new float[][] {{-2, 0}, {0.5f, 0}})));
        assertTrue(p[0][0] > 0.8 && p[1][0] < 0.2, "P = " + p[0][0] + ", " + p[1][0]);
    }
}
